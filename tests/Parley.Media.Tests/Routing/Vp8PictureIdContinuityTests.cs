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

    [Fact]
    public void A_dropped_picture_id_is_skipped_and_its_late_packets_are_refused()
    {
        var continuity = new Vp8PictureIdContinuity();
        Assert.Equal((500, (byte)3), Rewrite(continuity, Long(500, 3)));
        continuity.Skip(Long(501, 3));
        continuity.Skip(Long(501, 3)); // the picture's second packet
        continuity.Skip(Long(502, 3));
        Assert.Equal((501, (byte)3), Rewrite(continuity, Long(503, 3)));
        Assert.Equal((502, (byte)4), Rewrite(continuity, Long(504, 4)));

        Assert.False(continuity.TryRewrite(Long(502, 3))); // a late packet of a dropped picture must not go out
        Assert.True(continuity.WasDropped(Long(501, 3)));
        Assert.False(continuity.WasDropped(Long(503, 3)));
        Assert.Null(continuity.WasDropped(Long(505, 4))); // not seen yet
        Assert.Equal((501, (byte)3), Rewrite(continuity, Long(503, 3))); // a late packet of a sent picture keeps its ID
    }

    [Fact]
    public void Over_an_l1t3_pattern_kept_at_the_base_layer_picture_ids_and_tl0picidx_both_count_up_by_one()
    {
        var continuity = new Vp8PictureIdContinuity();
        int[] temporalLayers = [0, 2, 1, 2, 0, 2, 1, 2, 0, 2, 1, 2, 0];
        var tl0 = (byte)254;
        var sent = new List<(int PictureId, byte Tl0)>();
        for (var i = 0; i < temporalLayers.Length; i++)
        {
            if (temporalLayers[i] == 0 && i > 0)
            {
                tl0++; // TL0PICIDX counts base-layer pictures only
            }

            var payload = Long(32_760 + i, tl0);
            if (temporalLayers[i] == 0)
            {
                sent.Add(Rewrite(continuity, payload));
            }
            else
            {
                continuity.Skip(payload);
            }
        }

        Assert.Equal([(32_760, 254), (32_761, 255), (32_762, 0), (32_763, 1)], sent.Select(s => (s.PictureId, (int)s.Tl0)));
    }

    [Fact]
    public void Seven_bit_picture_ids_skip_drops_across_the_wrap_and_a_switch_continues_after_the_newest_sent()
    {
        var continuity = new Vp8PictureIdContinuity();
        byte[] Short(int pictureId) => [0x90, 0x80, (byte)(pictureId & 0x7F), 0x9d];
        byte Sent(int pictureId)
        {
            var payload = Short(pictureId);
            Assert.True(continuity.TryRewrite(payload));
            return payload[2];
        }

        Assert.Equal(126, Sent(126));
        continuity.Skip(Short(127));
        continuity.Skip(Short(0));
        Assert.Equal(127, Sent(1));
        Assert.Equal(0, Sent(2));
        continuity.Skip(Short(3));

        continuity.RequestSync();
        continuity.Skip(Short(90)); // during a switch: the next picture continues anyway
        Assert.Equal(1, Sent(91));
    }
}
