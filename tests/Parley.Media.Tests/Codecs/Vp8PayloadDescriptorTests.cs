using Parley.Media.Codecs;

namespace Parley.Media.Tests.Codecs;

public sealed class Vp8PayloadDescriptorTests
{
    public static TheoryData<byte[], int, bool, int> Layouts => new()
    {
        { [0x10, 0x9d], -1, false, -1 },                       // X=0: no extension
        { [0x90, 0x80, 0x05, 0x9d], 2, false, -1 },            // I, 7-bit picture ID
        { [0x90, 0x80, 0x81, 0x23, 0x9d], 2, true, -1 },       // I, 15-bit picture ID
        { [0x90, 0xC0, 0x81, 0x23, 0x07, 0x9d], 2, true, 4 },  // I (15-bit) and L
        { [0x90, 0x40, 0x07, 0x9d], -1, false, 2 },            // L only
        { [0x90, 0xE0, 0x05, 0x07, 0x20, 0x9d], 2, false, 3 }, // I (7-bit), L, T
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Finds_the_picture_id_and_tl0picidx(byte[] payload, int pictureIdOffset, bool longPictureId, int tl0Offset)
    {
        Assert.True(Vp8PayloadDescriptor.TryGetLayout(payload, out var layout));
        Assert.Equal(new Vp8DescriptorLayout(pictureIdOffset, longPictureId, tl0Offset), layout);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x90 })]
    [InlineData(new byte[] { 0x90, 0x80 })]
    [InlineData(new byte[] { 0x90, 0xC0, 0x81, 0x23 })]
    public void A_truncated_descriptor_is_refused(byte[] payload) =>
        Assert.False(Vp8PayloadDescriptor.TryGetLayout(payload, out _));

    public static TheoryData<byte[], int, bool, bool> TemporalInfos => new()
    {
        { [0x10, 0x9d], 0, false, true },                                  // X=0: no T bit, layer 0; S=1, PID=0
        { [0x00, 0x9d], 0, false, false },                                 // S=0: a continuation packet
        { [0x13, 0x9d], 0, false, false },                                 // S=1 but partition 3: not the picture's start
        { [0x90, 0xC0, 0x81, 0x23, 0x07, 0x9d], 0, false, true },          // I (15-bit), L, no T: layer 0
        { [0x90, 0xE0, 0x81, 0x23, 0x07, 0x80, 0x9d], 2, false, true },    // I (15-bit), L, T: TID 2
        { [0x80, 0xE0, 0x05, 0x07, 0x60, 0x9d], 1, true, false },          // I (7-bit), L, T: TID 1 with Y; S=0
        { [0x90, 0x20, 0xE0, 0x9d], 3, true, true },                       // T only: TID 3, Y
        { [0x90, 0x30, 0x40, 0x9d], 1, false, true },                      // T and K: TID 1, KEYIDX ignored
        { [0x90, 0x10, 0xFF, 0x9d], 0, false, true },                      // K without T: the TID bits mean nothing
        { [0x90, 0xA0, 0x05, 0x5F], 1, false, true },                      // I (7-bit), T; KEYIDX bits do not leak into Y
        { [0x90, 0x20, 0x80], 2, false, true },                            // the descriptor is the whole payload
    };

    [Theory]
    [MemberData(nameof(TemporalInfos))]
    public void Reads_the_temporal_layer_the_layer_sync_bit_and_the_start_of_a_picture(byte[] payload, int temporalLayer, bool layerSync, bool startsPicture)
    {
        Assert.True(Vp8PayloadDescriptor.TryGetTemporalInfo(payload, out var info));
        Assert.Equal(new Vp8TemporalInfo(temporalLayer, layerSync, startsPicture), info);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x90 })]
    [InlineData(new byte[] { 0x90, 0x20 })]                    // T set, the TID byte missing
    [InlineData(new byte[] { 0x90, 0xE0, 0x81, 0x23, 0x07 })]  // long picture ID and TL0PICIDX there, the TID byte missing
    [InlineData(new byte[] { 0x90, 0xA0, 0x81 })]              // the long picture ID cut in half
    [InlineData(new byte[] { 0x90, 0x80 })]                    // I set, the picture ID missing
    public void A_truncated_descriptor_has_no_temporal_info(byte[] payload)
    {
        Assert.False(Vp8PayloadDescriptor.TryGetTemporalInfo(payload, out var info));
        Assert.Equal(default, info);
    }

    [Fact]
    public void Every_prefix_of_a_full_descriptor_is_read_or_refused_without_an_exception()
    {
        byte[] full = [0x90, 0xF0, 0x81, 0x23, 0x07, 0xA5, 0x10, 0x02, 0x00];
        for (var length = 0; length <= full.Length; length++)
        {
            var readable = Vp8PayloadDescriptor.TryGetTemporalInfo(full.AsSpan(0, length), out var info);
            Assert.Equal(length >= 6, readable);
            Assert.Equal(readable ? new Vp8TemporalInfo(2, true, true) : default, info);
            Assert.Equal(length >= 9, Vp8PayloadDescriptor.IsKeyFrame(full.AsSpan(0, length)));
        }
    }
}
