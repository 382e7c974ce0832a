using System.Buffers.Binary;
using Parley.Media.Routing;

namespace Parley.Media.Tests.Routing;

public sealed class Vp8PictureIdContinuityTests
{
    private static byte[] Long(int pictureId, byte tl0) => [0x90, 0xC0, (byte)(0x80 | (pictureId >> 8)), (byte)pictureId, tl0, 0x9d];

    private static (int PictureId, byte Tl0) Rewrite(Vp8PictureIdContinuity continuity, byte[] payload)
    {
        Assert.True(continuity.TryRewrite(payload));
        Assert.True((payload[2] & 0x80) != 0, "the M bit stays");
        return (BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(2)) & 0x7FFF, payload[4]);
    }

    [Fact]
    public void The_first_period_passes_unchanged_and_a_switch_continues_from_the_newest_sent()
    {
        var continuity = new Vp8PictureIdContinuity();
        Assert.Equal((32_766, (byte)254), Rewrite(continuity, Long(32_766, 254)));
        Assert.Equal((32_767, (byte)255), Rewrite(continuity, Long(32_767, 255)));
        Assert.Equal((32_766, (byte)254), Rewrite(continuity, Long(32_766, 254))); // a late packet of an earlier picture

        continuity.RequestSync();
        Assert.Equal((0, (byte)0), Rewrite(continuity, Long(1_000, 7)));
        Assert.Equal((0, (byte)0), Rewrite(continuity, Long(1_000, 7))); // another packet of the same picture
        Assert.Equal((1, (byte)1), Rewrite(continuity, Long(1_001, 8)));

        continuity.RequestSync();
        Assert.Equal((2, (byte)2), Rewrite(continuity, Long(30_000, 200)));
    }

    [Fact]
    public void Seven_bit_picture_ids_wrap_at_128_and_a_descriptor_without_ids_is_left_alone()
    {
        var continuity = new Vp8PictureIdContinuity();
        byte[] first = [0x90, 0x80, 0x7F, 0x9d];
        Assert.True(continuity.TryRewrite(first));
        Assert.Equal(0x7F, first[2]);
        continuity.RequestSync();
        byte[] second = [0x90, 0x80, 0x10, 0x9d];
        Assert.True(continuity.TryRewrite(second));
        Assert.Equal(0x00, second[2]);

        byte[] plain = [0x10, 0x00, 0x9d, 0x01];
        Assert.True(continuity.TryRewrite(plain));
        Assert.Equal([0x10, 0x00, 0x9d, 0x01], plain);
    }
}
