using FsCheck.Xunit;
using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtcp;

public class RtcpPropertyTests
{
    private static readonly byte[] AllVectors = RtcpVectors.Bytes(
        RtcpVectors.PionCompound + RtcpVectors.LibwebrtcNack + RtcpVectors.JitsiNack + RtcpVectors.LibwebrtcRemb
        + "84ce0004 00000001 00000000 aabbccdd 07000000" + "81c8000c 01020304 e1f2a3b4c5d6e7f8 11223344 00000064 00003039"
        + "aabbccdd 40fffffd 00010005 00000020 12345678 00010000" + RtcpVectors.PionTransportCcVectors);

    [Property(MaxTest = 1000)]
    public void Parsing_random_bytes_never_throws(byte[] bytes)
    {
        bytes ??= [];
        ParseEverything(bytes);

        // A plausible first header byte gets deeper into every parser.
        if (bytes.Length >= 2)
        {
            bytes[0] = (byte)(0x80 | (bytes[0] & 0x3F));
            bytes[1] = (byte)(200 + (bytes[1] % 8));
            ParseEverything(bytes);
        }
    }

    [Fact]
    public void Parsing_every_truncation_of_valid_packets_never_throws()
    {
        Assert.True(RtcpCompoundReader.IsValid(AllVectors));
        for (var length = 0; length <= AllVectors.Length; length++)
        {
            ParseEverything(AllVectors.AsSpan(0, length));
            ParseEverything(AllVectors.AsSpan(AllVectors.Length - length));
        }
    }

    [Property(MaxTest = 300)]
    public void Mutating_a_valid_byte_never_throws(ushort position, byte value)
    {
        var bytes = AllVectors.ToArray();
        bytes[position % bytes.Length] = value;

        ParseEverything(bytes);
    }

    [Property(MaxTest = 500)]
    public void Nack_build_then_parse_gives_back_the_lost_set(ushort[] lost, uint sender, uint media)
    {
        if (lost is null || lost.Length == 0)
        {
            return;
        }

        var buffer = new byte[RtcpFeedback.FixedLength + (lost.Length * RtcpNackItem.Size)];
        Assert.True(RtcpGenericNack.TryWrite(buffer, sender, media, lost, out var written));
        Assert.True(RtcpCompoundReader.IsValid(buffer.AsSpan(0, written)));
        Assert.True(RtcpGenericNack.TryParse(buffer.AsSpan(0, written), out var nack));

        var parsed = new HashSet<ushort>();
        foreach (var sequence in nack.LostSequenceNumbers)
        {
            parsed.Add(sequence);
        }

        Assert.Equal(sender, nack.SenderSsrc);
        Assert.Equal(media, nack.MediaSsrc);
        Assert.True(parsed.SetEquals(lost));
    }

    [Property(MaxTest = 500)]
    public void Nack_of_sorted_losses_uses_the_fewest_entries(ushort start, byte[] gaps)
    {
        if (gaps is null || gaps.Length == 0)
        {
            return;
        }

        var lost = new ushort[gaps.Length];
        var sequence = start;
        for (var i = 0; i < gaps.Length; i++)
        {
            sequence += (ushort)(1 + (gaps[i] % 40));
            lost[i] = sequence;
        }

        var buffer = new byte[RtcpFeedback.FixedLength + (lost.Length * RtcpNackItem.Size)];
        Assert.True(RtcpGenericNack.TryWrite(buffer, 1, 2, lost, out var written));
        Assert.True(RtcpGenericNack.TryParse(buffer.AsSpan(0, written), out var nack));

        var greedyEntries = 0;
        ushort? entryStart = null;
        foreach (var s in lost)
        {
            if (entryStart is null || (ushort)(s - entryStart.Value) > 16)
            {
                entryStart = s;
                greedyEntries++;
            }
        }

        Assert.Equal(greedyEntries, nack.ItemCount);
        var expanded = new List<ushort>();
        foreach (var s in nack.LostSequenceNumbers)
        {
            expanded.Add(s);
        }

        Assert.Equal(lost, expanded);
    }

    [Property(MaxTest = 500)]
    public void Transport_cc_build_then_parse_gives_back_statuses_and_deltas(ushort baseSequence, byte[] gaps, int[] steps, uint start, byte feedbackCount)
    {
        if (gaps is null || steps is null || gaps.Length == 0)
        {
            return;
        }

        var arrivals = new TransportCcArrival[gaps.Length];
        var sequence = baseSequence;
        long time = 1_000_000_000L + start;
        for (var i = 0; i < gaps.Length; i++)
        {
            sequence += (ushort)(i == 0 ? 0 : 1 + (gaps[i] % 20));
            var step = steps.Length == 0 ? 0 : steps[i % steps.Length];

            // Mostly small steps, sometimes large or backwards (reordering), all within the two-byte delta range.
            time += step % 4 == 0 ? step % 8_000_000 : Math.Abs(step % 64_000);
            arrivals[i] = new TransportCcArrival(sequence, time);
        }

        var buffer = new byte[4096];
        Assert.True(RtcpTransportFeedback.TryWrite(buffer, 7, 8, feedbackCount, arrivals, out var written));
        Assert.Equal(0, written % 4);
        Assert.True(RtcpCompoundReader.IsValid(buffer.AsSpan(0, written)));
        Assert.True(RtcpTransportFeedback.TryParse(buffer.AsSpan(0, written), out var feedback));

        Assert.Equal(baseSequence, feedback.BaseSequenceNumber);
        Assert.Equal(feedbackCount, feedback.FeedbackPacketCount);
        Assert.Equal((ushort)(sequence - baseSequence) + 1, feedback.PacketStatusCount);

        var byArrival = arrivals.ToDictionary(a => a.SequenceNumber, a => a.ArrivalTimeMicroseconds);
        var clock = feedback.ReferenceTimeMicroseconds;
        var count = 0;
        foreach (var status in feedback.Packets)
        {
            count++;
            Assert.Equal(byArrival.ContainsKey(status.SequenceNumber), status.Received);
            if (status.Received)
            {
                Assert.Equal(0, status.DeltaMicroseconds % RtcpTransportFeedback.DeltaTickMicroseconds);
                clock += status.DeltaMicroseconds;
                Assert.InRange(clock - byArrival[status.SequenceNumber], -125, 125);
            }
            else
            {
                Assert.Equal(0, status.DeltaMicroseconds);
            }
        }

        Assert.Equal(feedback.PacketStatusCount, count);
    }

    [Property(MaxTest = 300)]
    public void Sender_report_build_then_parse_gives_back_every_field(
        uint ssrc, ulong ntp, uint rtp, uint packets, uint octets, uint[] blockSeeds, int lostSeed, byte fraction)
    {
        var blocks = (blockSeeds ?? []).Take(31)
            .Select(s => new RtcpReportBlock(s, fraction, (lostSeed << 8) >> 8, s ^ 0x5555, s >> 3, ~s, s * 7))
            .ToArray();
        var buffer = new byte[1000];

        Assert.True(RtcpSenderReport.TryWrite(buffer, ssrc, ntp, rtp, packets, octets, blocks, out var written));
        Assert.True(RtcpSenderReport.TryParse(buffer.AsSpan(0, written), out var report));

        Assert.Equal((ssrc, ntp, rtp, packets, octets), (report.Ssrc, report.NtpTimestamp, report.RtpTimestamp, report.PacketCount, report.OctetCount));
        var parsed = new List<RtcpReportBlock>();
        foreach (var block in report.ReportBlocks)
        {
            parsed.Add(block);
        }

        Assert.Equal(blocks, parsed);

        Assert.True(RtcpReceiverReport.TryWrite(buffer, ssrc, blocks, out written));
        Assert.True(RtcpReceiverReport.TryParse(buffer.AsSpan(0, written), out var receiverReport));
        parsed.Clear();
        foreach (var block in receiverReport.ReportBlocks)
        {
            parsed.Add(block);
        }

        Assert.Equal(blocks, parsed);
    }

    [Property(MaxTest = 300)]
    public void Remb_build_then_parse_keeps_the_rate_within_mantissa_precision(ulong bitrate, uint[] ssrcs)
    {
        ssrcs = (ssrcs ?? []).Take(255).ToArray();
        var buffer = new byte[2000];

        Assert.True(RtcpRemb.TryWrite(buffer, 1, bitrate, ssrcs, out var written));
        Assert.True(RtcpRemb.TryParse(buffer.AsSpan(0, written), out var remb));

        Assert.True(remb.Bitrate <= bitrate);
        Assert.True(bitrate - remb.Bitrate <= bitrate >> 17);
        Assert.Equal(ssrcs.Length, remb.SsrcCount);
        for (var i = 0; i < ssrcs.Length; i++)
        {
            Assert.Equal(ssrcs[i], remb.GetSsrc(i));
        }
    }

    [Property(MaxTest = 300)]
    public void Sdes_build_then_parse_gives_back_the_cname(uint ssrc, byte[] cname)
    {
        cname = (cname ?? []).Take(255).ToArray();
        var buffer = new byte[300];

        Assert.True(RtcpSourceDescription.TryWriteCname(buffer, ssrc, cname, out var written));
        Assert.Equal(0, written % 4);
        Assert.True(RtcpSourceDescription.TryParse(buffer.AsSpan(0, written), out var description));

        var chunks = description.Chunks;
        Assert.True(chunks.MoveNext());
        Assert.Equal(ssrc, chunks.Current.Ssrc);
        Assert.True(chunks.Current.TryGetItem(SdesItemType.Cname, out var parsed));
        Assert.Equal(cname, parsed.ToArray());
        Assert.False(chunks.MoveNext());
    }

    private static void ParseEverything(ReadOnlySpan<byte> datagram)
    {
        RtcpCompoundReader.IsValid(datagram);
        var reader = new RtcpCompoundReader(datagram);
        while (reader.MoveNext())
        {
            ParsePacket(reader.CurrentPacket);
        }

        // Parsers must also survive spans the reader never vetted.
        ParsePacket(datagram);
    }

    private static void ParsePacket(ReadOnlySpan<byte> packet)
    {
        if (RtcpSenderReport.TryParse(packet, out var sr))
        {
            foreach (var block in sr.ReportBlocks)
            {
                _ = block.Jitter;
            }

            _ = sr.ProfileExtension.Length;
        }

        if (RtcpReceiverReport.TryParse(packet, out var rr))
        {
            foreach (var block in rr.ReportBlocks)
            {
                _ = block.Jitter;
            }
        }

        if (RtcpSourceDescription.TryParse(packet, out var sdes))
        {
            foreach (var chunk in sdes.Chunks)
            {
                foreach (var item in chunk.Items)
                {
                    _ = item.Value.Length;
                }
            }
        }

        if (RtcpGoodbye.TryParse(packet, out var bye))
        {
            for (var i = 0; i < bye.SourceCount; i++)
            {
                _ = bye.GetSource(i);
            }
        }

        RtcpApplicationDefined.TryParse(packet, out _);
        RtcpPictureLossIndication.TryParse(packet, out _);

        if (RtcpGenericNack.TryParse(packet, out var nack))
        {
            foreach (var sequence in nack.LostSequenceNumbers)
            {
                _ = sequence;
            }
        }

        if (RtcpFullIntraRequest.TryParse(packet, out var fir))
        {
            for (var i = 0; i < fir.EntryCount; i++)
            {
                _ = fir.GetEntry(i);
            }
        }

        if (RtcpRemb.TryParse(packet, out var remb))
        {
            for (var i = 0; i < remb.SsrcCount; i++)
            {
                _ = remb.GetSsrc(i);
            }
        }

        if (RtcpTransportFeedback.TryParse(packet, out var twcc))
        {
            var count = 0;
            foreach (var status in twcc.Packets)
            {
                count++;
            }

            Assert.Equal(twcc.PacketStatusCount, count);
        }
    }
}
