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
}
