using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtp;

/// <summary>The per-packet forwarding path must not allocate: measured on this thread after a warm-up run.</summary>
public class RtpAllocationTests
{
    [Fact]
    public void Rtp_parse_and_rewrite_allocates_nothing()
    {
        var packet = ChromeRtpVectors.Bytes(ChromeRtpVectors.OneByteSevenElements);
        var total = 0;
        ForwardMany(packet, 100, ref total);

        var allocated = AllocationMeter.LeastPerRound(_ => ForwardMany(packet, 2_000, ref total));

        Assert.Equal(0, allocated);
        Assert.True(total > 0);
    }

    private static void ForwardMany(byte[] bytes, int count, ref int total)
    {
        Span<byte> value = stackalloc byte[2];
        for (var i = 0; i < count; i++)
        {
            if (!RtpPacket.TryParse(bytes, out var packet))
            {
                return;
            }

            packet.Ssrc = (uint)i;
            packet.PayloadType = 96;
            packet.SequenceNumber = (ushort)i;
            packet.Timestamp += 3000;
            value[0] = (byte)(i >> 8);
            value[1] = (byte)i;
            if (packet.TrySetExtension(4, value))
            {
                total++;
            }
        }
    }
}
