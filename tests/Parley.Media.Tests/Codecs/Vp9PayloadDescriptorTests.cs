using Parley.Media.Codecs;

namespace Parley.Media.Tests.Codecs;

public sealed class Vp9PayloadDescriptorTests
{
    [Fact]
    public void Non_flexible_mode_has_tl0picidx_after_the_layer_indices()
    {
        // I (15-bit picture ID 0x0123), P, L, B; TID 2, U, SID 1, D; TL0PICIDX 7.
        byte[] payload = [0xE8, 0x81, 0x23, 0x53, 0x07, 0xAA];
        Assert.True(Vp9PayloadDescriptor.TryRead(payload, out var d));
        Assert.Equal(
            new Vp9Descriptor(0x0123, true, true, false, true, false, false, true, 2, true, 1, true, 7, 0, 0, -1, 5), d);
        Assert.False(Vp9PayloadDescriptor.IsKeyFrame(payload));
    }

    [Fact]
    public void Flexible_mode_lists_up_to_three_reference_differences()
    {
        // I (7-bit picture ID 5), P, L, F, E; TID 1, SID 2; P_DIFF 1 (N), 2 (N), 4.
        byte[] payload = [0xF4, 0x05, 0x24, 0x03, 0x05, 0x08, 0xAA];
        Assert.True(Vp9PayloadDescriptor.TryRead(payload, out var d));
        Assert.True(d is { PictureId: 5, LongPictureId: false, FlexibleMode: true, EndOfFrame: true, StartOfFrame: false, TemporalId: 1, SpatialId: 2, Tl0PicIdx: -1, ReferenceCount: 3, Length: 6 });
        Assert.Equal([1, 2, 4], new[] { d.Reference(0), d.Reference(1), d.Reference(2) });
    }

    [Fact]
    public void A_fourth_reference_difference_is_refused() =>
        Assert.False(Vp9PayloadDescriptor.TryRead([0x50, 0x03, 0x03, 0x03, 0x03, 0xAA], out _));

    [Fact]
    public void The_scalability_structure_gives_resolutions_and_the_picture_group()
    {
        // B, V (non-flexible, no picture ID, no layers); SS: N_S=1 (2 layers), Y, G; 320x180, 640x360;
        // N_G=2: TID 0 U=0 R=1 P_DIFF 2; TID 1 U=1 R=1 P_DIFF 1.
        byte[] payload = [0x0A, 0x38, 0x01, 0x40, 0x00, 0xB4, 0x02, 0x80, 0x01, 0x68, 0x02, 0x04, 0x02, 0x34, 0x01, 0xAA];
        Assert.True(Vp9PayloadDescriptor.TryRead(payload, out var d));
        Assert.Equal(1, d.ScalabilityStructureOffset);
        Assert.Equal(15, d.Length);
        Assert.True(Vp9PayloadDescriptor.IsKeyFrame(payload));
        var ss = payload.AsSpan(1);
        Assert.True(Vp9PayloadDescriptor.TryReadScalabilityStructure(ss, out var structure));
        Assert.Equal(new Vp9ScalabilityStructure(2, true, 10, 2, 14), structure);
        Assert.Equal((320, 180), structure.Resolution(ss, 0));
        Assert.Equal((640, 360), structure.Resolution(ss, 1));
        Assert.Equal(new Vp9GroupPicture(0, false, 1, 2), structure.GroupPicture(ss, 0));
        Assert.Equal(new Vp9GroupPicture(1, true, 1, 1), structure.GroupPicture(ss, 1));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80 })] // I without the picture ID
    [InlineData(new byte[] { 0x80, 0x81 })] // the 15-bit picture ID cut short
    [InlineData(new byte[] { 0x20 })] // L without the layer byte
    [InlineData(new byte[] { 0x20, 0x00 })] // non-flexible L without TL0PICIDX
    [InlineData(new byte[] { 0x50, 0x03 })] // a P_DIFF whose N promises another
    [InlineData(new byte[] { 0x0A, 0x38, 0x01, 0x40 })] // SS resolutions cut short
    public void Truncated_descriptors_are_refused(byte[] payload) => Assert.False(Vp9PayloadDescriptor.TryRead(payload, out _));

    [Fact]
    public void Chromium_vp9_l3t3_key_capture_reads() => SvcFixtureChecks.AssertVp9KeySvc(SvcFixture.Load("vp9-l3t3-key.hex"));
}
