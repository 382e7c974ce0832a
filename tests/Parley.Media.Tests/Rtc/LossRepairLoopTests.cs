using Parley.Media.Rtc;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtc;

/// <summary>
/// The components wired as a producer and a consumer would wire them, over a link that drops packets: the receiver
/// NACKs through the composer, the sender parses the NACK and answers with RTX from its buffer, the receiver unwraps
/// it and counts the repair. Every lost packet must come back byte for byte.
/// </summary>
public class LossRepairLoopTests
{
    private const uint MediaSsrc = 0x1111;
    private const uint RtxSsrc = 0x2222;
    private const uint ReceiverSsrc = 0x3333;

    [Fact]
    public void Every_packet_dropped_by_the_link_is_repaired_through_nack_and_rtx()
    {
        using var sendBuffer = new RetransmissionBuffer();
        var sendStats = new SendStreamStatistics(MediaSsrc, 90000);
        var nack = new NackGenerator();
        var receiveStats = new ReceiveStreamStatistics(MediaSsrc, 90000);
        var counters = new RtpStreamCounters();
        var received = new Dictionary<ushort, byte[]>();
        var sent = new Dictionary<ushort, byte[]>();
        var random = new Random(7);
        ushort rtxSequence = 0;
        var lostSequences = new ushort[256];
        var rtcp = new byte[1500];
        var rtx = new byte[1500];
        var unwrapped = new byte[1500];

        for (var i = 0; i < 2000; i++)
        {
            long now = i * 10;
            var sequence = (ushort)(65000 + i); // wraps on the way
            var packet = BuildPacket(sequence, (uint)(i * 900), i);
            sent[sequence] = packet;
            sendBuffer.Store(packet, sequence, now);
            sendStats.OnPacketSent((uint)(i * 900), packet.Length, now);

            if (i > 0 && random.Next(10) == 0)
            {
                continue; // the link drops it
            }

            received[sequence] = packet;
            receiveStats.OnPacket(sequence, (uint)(i * 900), packet.Length, now);
            nack.OnPacket(sequence, isKeyFrame: false, isRecovered: false, now);

            // Receiver: NACK what is missing, one RTCP packet per collection.
            var count = nack.CollectNacks(now, rttMilliseconds: 20, lostSequences);
            if (count == 0)
            {
                continue;
            }

            var composer = new RtcpComposer(rtcp);
            Assert.True(composer.TryAddReceiverReports(ReceiverSsrc, [receiveStats], now));
            Assert.True(composer.TryAddGenericNack(ReceiverSsrc, MediaSsrc, lostSequences.AsSpan(0, count)));
            counters.NackCount++;
            counters.NackPacketCount += count;

            // Sender: read the compound, answer each lost sequence number with RTX.
            var reader = new RtcpCompoundReader(composer.Written);
            while (reader.MoveNext())
            {
                if (RtcpReceiverReport.TryParse(reader.CurrentPacket, out var rr))
                {
                    foreach (var block in rr.ReportBlocks)
                    {
                        sendStats.OnReceiverReport(block, now);
                    }
                }
                else if (RtcpGenericNack.TryParse(reader.CurrentPacket, out var nackPacket))
                {
                    foreach (var lost in nackPacket.LostSequenceNumbers)
                    {
                        if (!sendBuffer.TryGetAsRtx(lost, now, rtx, RtxSsrc, 97, rtxSequence++, out var rtxLength))
                        {
                            continue;
                        }

                        sendStats.OnPacketSent(0, rtxLength, now, isRetransmission: true);

                        // Receiver: unwrap and feed as a recovered packet.
                        Assert.True(RtpPacket.TryParse(rtx.AsSpan(0, rtxLength), out var rtxPacket));
                        Assert.True(RtxPacket.TryUnwrap(rtxPacket, unwrapped, MediaSsrc, 96, out var length));
                        Assert.True(RtpPacket.TryParse(unwrapped.AsSpan(0, length), out var repaired));
                        if (nack.OnPacket(repaired.SequenceNumber, false, isRecovered: true, now))
                        {
                            counters.PacketsRepaired++;
                        }

                        receiveStats.OnPacket(repaired.SequenceNumber, repaired.Timestamp, length, now, isRetransmission: true);
                        received[repaired.SequenceNumber] = unwrapped[..length];
                    }
                }
            }
        }

        Assert.Equal(sent.Count, received.Count);
        foreach (var (sequence, packet) in sent)
        {
            Assert.Equal(packet, received[sequence]);
        }

        Assert.Equal(0, nack.PendingCount);
        Assert.False(nack.KeyFrameRequired);
        Assert.Equal(0, receiveStats.PacketsLost);
        Assert.True(counters.PacketsRepaired > 150, $"{counters.PacketsRepaired} repaired");
        Assert.Equal(counters.PacketsRepaired, sendStats.PacketsRetransmitted);
        Assert.Equal(counters.PacketsRepaired, counters.NackPacketCount);
        Assert.Equal(65000u + 1999, receiveStats.ExtendedHighestSequence); // one wrap: 65536 + 1463

        // The last RR went out in the same compound as the NACK for the last loss, before its repair.
        Assert.Equal(1, sendStats.RemotePacketsLost);
        Assert.True(sendStats.ReceiverReportCount > 150);
    }

    private static byte[] BuildPacket(ushort sequence, uint timestamp, int index)
    {
        var buffer = new byte[200];
        var builder = new RtpPacketBuilder(buffer, 96, sequence, timestamp, MediaSsrc, marker: index % 3 == 0);
        builder.TryAddExtension(1, new byte[] { (byte)index });
        var payload = new byte[50 + (index % 100)];
        payload.AsSpan().Fill((byte)index);
        builder.TryFinish(payload, 0, out var length);
        return buffer[..length];
    }
}
