using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtcp;

/// <summary>Parsing received RTCP must not allocate: measured on this thread after a warm-up run.</summary>
public class RtcpAllocationTests
{
    [Fact]
    public void Rtcp_parsing_allocates_nothing()
    {
        var compound = RtcpVectors.Bytes(RtcpVectors.PionCompound + RtcpVectors.JitsiNack + RtcpVectors.ChromeTransportCc);
        long total = 0;
        ParseMany(compound, 100, ref total);

        var allocated = AllocationMeter.LeastPerRound(_ => ParseMany(compound, 2_000, ref total));

        Assert.Equal(0, allocated);
        Assert.True(total > 0);
    }

    private static void ParseMany(byte[] bytes, int count, ref long total)
    {
        for (var i = 0; i < count; i++)
        {
            var reader = new RtcpCompoundReader(bytes);
            while (reader.MoveNext())
            {
                var packet = reader.CurrentPacket;
                if (RtcpReceiverReport.TryParse(packet, out var rr))
                {
                    foreach (var block in rr.ReportBlocks)
                    {
                        total += block.Jitter;
                    }
                }
                else if (RtcpGenericNack.TryParse(packet, out var nack))
                {
                    foreach (var sequence in nack.LostSequenceNumbers)
                    {
                        total += sequence;
                    }
                }
                else if (RtcpTransportFeedback.TryParse(packet, out var feedback))
                {
                    foreach (var status in feedback.Packets)
                    {
                        total += status.DeltaMicroseconds;
                    }
                }
                else if (RtcpSourceDescription.TryParse(packet, out var sdes))
                {
                    foreach (var chunk in sdes.Chunks)
                    {
                        total += chunk.Ssrc & 1;
                    }
                }
            }
        }
    }
}
