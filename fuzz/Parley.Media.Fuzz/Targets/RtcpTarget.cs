using Parley.Media.Rtcp;

namespace Parley.Media.Fuzz.Targets;

/// <summary>
/// Compound RTCP: iterate every packet (each inside the datagram, in order), parse it with the parser of its type,
/// enumerate its items, and where a writer exists write the parsed fields back and parse them again (same fields;
/// the same bytes for reports, which have one encoding).
/// </summary>
internal static class RtcpTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var valid = RtcpCompoundReader.IsValid(input);
        var reader = new RtcpCompoundReader(input);
        var total = 0;
        while (reader.MoveNext())
        {
            var packet = reader.CurrentPacket;
            FuzzInvariantException.Check(packet.Length == reader.CurrentHeader.PacketLength && input.Overlaps(packet), "a packet is its header's length, inside the datagram");
            total += packet.Length;
            Dispatch(packet, reader.CurrentHeader);
        }

        FuzzInvariantException.Check(reader.IsMalformed || total == input.Length, "a well-formed compound is covered by its packets");
        FuzzInvariantException.Check(valid == (!reader.IsMalformed && reader.PacketCount > 0), "IsValid agrees with iteration");
    }

    /// <summary>Parses one packet by type; also the entry of the per-type round trips.</summary>
    public static void Dispatch(ReadOnlySpan<byte> packet, RtcpHeader header)
    {
        switch (header.PacketType)
        {
            case RtcpPacketType.SenderReport:
                SenderReport(packet, header);
                break;
            case RtcpPacketType.ReceiverReport:
                ReceiverReport(packet, header);
                break;
            case RtcpPacketType.SourceDescription:
                SourceDescription(packet);
                break;
            case RtcpPacketType.Goodbye:
                Goodbye(packet);
                break;
            case RtcpPacketType.ApplicationDefined:
                ApplicationDefined(packet);
                break;
            case RtcpPacketType.TransportFeedback when header.Count == RtcpFeedbackFormat.GenericNack:
                GenericNack(packet);
                break;
            case RtcpPacketType.TransportFeedback when header.Count == RtcpFeedbackFormat.TransportWideCc:
                TransportCcTarget.Check(packet);
                break;
            case RtcpPacketType.PayloadFeedback:
                PayloadFeedback(packet, header);
                break;
        }
    }

    private static void SenderReport(ReadOnlySpan<byte> packet, RtcpHeader header)
    {
        if (!RtcpSenderReport.TryParse(packet, out var report))
        {
            return;
        }

        var blocks = CollectBlocks(report.ReportBlocks, report.ReportCount);
        Span<byte> output = new byte[packet.Length + 64];
        var writes = RtcpSenderReport.TryWrite(output, report.Ssrc, report.NtpTimestamp, report.RtpTimestamp, report.PacketCount, report.OctetCount, blocks, out var written, report.ProfileExtension);
        CheckReportRoundTrip(packet, header, writes, output[..written], "SR");
    }

    private static void ReceiverReport(ReadOnlySpan<byte> packet, RtcpHeader header)
    {
        if (!RtcpReceiverReport.TryParse(packet, out var report))
        {
            return;
        }

        var blocks = CollectBlocks(report.ReportBlocks, report.ReportCount);
        Span<byte> output = new byte[packet.Length + 64];
        var writes = RtcpReceiverReport.TryWrite(output, report.Ssrc, blocks, out var written, report.ProfileExtension);
        CheckReportRoundTrip(packet, header, writes, output[..written], "RR");
    }

    /// <summary>
    /// A report without padding writes back byte for byte. With padding, the profile extension left after removing it
    /// may be any length, which the writer (32-bit words only, RFC 3550 §6.4.1) refuses: only a write that succeeds is
    /// checked then (fuzz/regressions/rtcp/ holds such packets).
    /// </summary>
    private static void CheckReportRoundTrip(ReadOnlySpan<byte> packet, RtcpHeader header, bool writes, ReadOnlySpan<byte> written, string kind)
    {
        FuzzInvariantException.Check(writes || header.Padding, $"a parsed {kind} without padding writes");
        FuzzInvariantException.Check(!writes || header.Padding || written.SequenceEqual(packet), $"an {kind} without padding round-trips byte for byte");
    }

    private static RtcpReportBlock[] CollectBlocks(RtcpReportBlockEnumerator enumerator, int expected)
    {
        var blocks = new List<RtcpReportBlock>();
        foreach (var block in enumerator)
        {
            FuzzInvariantException.Check(block.CumulativeLost is >= RtcpReportBlock.MinCumulativeLost and <= RtcpReportBlock.MaxCumulativeLost, "cumulative lost is 24-bit");
            blocks.Add(block);
        }

        FuzzInvariantException.Check(blocks.Count == expected, "the report count matches the blocks enumerated");
        return [.. blocks];
    }

    private static void SourceDescription(ReadOnlySpan<byte> packet)
    {
        if (!RtcpSourceDescription.TryParse(packet, out var description))
        {
            return;
        }

        var chunks = 0;
        foreach (var chunk in description.Chunks)
        {
            chunks++;
            foreach (var item in chunk.Items)
            {
                FuzzInvariantException.Check(item.Value.Length <= 255 && packet.Overlaps(item.Value) || item.Value.IsEmpty, "an item lies inside its packet");
            }

            if (chunk.TryGetItem(SdesItemType.Cname, out var cname))
            {
                Span<byte> output = new byte[cname.Length + 64];
                FuzzInvariantException.Check(RtcpSourceDescription.TryWriteCname(output, chunk.Ssrc, cname, out var written), "a CNAME writes");
                FuzzInvariantException.Check(RtcpSourceDescription.TryParse(output[..written], out var again), "a written SDES parses");
                var enumerator = again.Chunks;
                FuzzInvariantException.Check(
                    enumerator.MoveNext() && enumerator.Current.Ssrc == chunk.Ssrc
                    && enumerator.Current.TryGetItem(SdesItemType.Cname, out var cnameAgain) && cnameAgain.SequenceEqual(cname),
                    "CNAME round-trips");
            }
        }

        FuzzInvariantException.Check(chunks == description.ChunkCount, "the chunk count matches the chunks enumerated");
    }

    private static void Goodbye(ReadOnlySpan<byte> packet)
    {
        if (!RtcpGoodbye.TryParse(packet, out var goodbye))
        {
            return;
        }

        var ssrcs = new uint[goodbye.SourceCount];
        for (var i = 0; i < ssrcs.Length; i++)
        {
            ssrcs[i] = goodbye.GetSource(i);
        }

        Span<byte> output = new byte[packet.Length + 64];
        if (!RtcpGoodbye.TryWrite(output, ssrcs, goodbye.Reason, out var written))
        {
            return;
        }

        FuzzInvariantException.Check(RtcpGoodbye.TryParse(output[..written], out var again), "a written BYE parses");
        FuzzInvariantException.Check(again.SourceCount == ssrcs.Length && again.Reason.SequenceEqual(goodbye.Reason), "BYE round-trips");
        for (var i = 0; i < ssrcs.Length; i++)
        {
            FuzzInvariantException.Check(again.GetSource(i) == ssrcs[i], "BYE sources round-trip");
        }
    }

    private static void ApplicationDefined(ReadOnlySpan<byte> packet)
    {
        if (!RtcpApplicationDefined.TryParse(packet, out var app))
        {
            return;
        }

        Span<byte> output = new byte[packet.Length + 64];
        if (!RtcpApplicationDefined.TryWrite(output, app.Subtype, app.Ssrc, app.Name, app.Data, out var written))
        {
            return;
        }

        FuzzInvariantException.Check(RtcpApplicationDefined.TryParse(output[..written], out var again), "a written APP parses");
        FuzzInvariantException.Check(
            again.Subtype == app.Subtype && again.Ssrc == app.Ssrc && again.Name.SequenceEqual(app.Name) && again.Data.SequenceEqual(app.Data),
            "APP round-trips");
    }

    private static void GenericNack(ReadOnlySpan<byte> packet)
    {
        if (!RtcpGenericNack.TryParse(packet, out var nack))
        {
            return;
        }

        var lost = new SortedSet<ushort>();
        var count = 0;
        foreach (var sequence in nack.LostSequenceNumbers)
        {
            lost.Add(sequence);
            count++;
        }

        var expected = 0;
        for (var i = 0; i < nack.ItemCount; i++)
        {
            expected += nack.GetItem(i).LostCount;
        }

        FuzzInvariantException.Check(count == expected, "every lost sequence number of every item is enumerated");

        // The writer takes increasing numbers that do not wrap within one list.
        ushort[] ordered = [.. lost];
        Span<byte> output = new byte[16 + (ordered.Length * 4)];
        if (ordered.Length == 0 || !RtcpGenericNack.TryWrite(output, nack.SenderSsrc, nack.MediaSsrc, ordered, out var written))
        {
            return;
        }

        FuzzInvariantException.Check(RtcpGenericNack.TryParse(output[..written], out var again), "a written NACK parses");
        var roundTripped = new SortedSet<ushort>();
        foreach (var sequence in again.LostSequenceNumbers)
        {
            roundTripped.Add(sequence);
        }

        FuzzInvariantException.Check(roundTripped.SetEquals(lost) && again.SenderSsrc == nack.SenderSsrc && again.MediaSsrc == nack.MediaSsrc, "NACK round-trips");
    }

    private static void PayloadFeedback(ReadOnlySpan<byte> packet, RtcpHeader header)
    {
        Span<byte> output = new byte[packet.Length + 64];
        switch (header.Count)
        {
            case RtcpFeedbackFormat.PictureLossIndication when RtcpPictureLossIndication.TryParse(packet, out var pli):
                FuzzInvariantException.Check(pli.TryWrite(output, out var pliLength), "a parsed PLI writes");
                FuzzInvariantException.Check(RtcpPictureLossIndication.TryParse(output[..pliLength], out var pliAgain) && pliAgain == pli, "PLI round-trips");
                break;
            case RtcpFeedbackFormat.FullIntraRequest when RtcpFullIntraRequest.TryParse(packet, out var fir):
                var entries = new RtcpFirEntry[fir.EntryCount];
                for (var i = 0; i < entries.Length; i++)
                {
                    entries[i] = fir.GetEntry(i);
                }

                if (RtcpFullIntraRequest.TryWrite(output, fir.SenderSsrc, entries, out var firLength))
                {
                    FuzzInvariantException.Check(RtcpFullIntraRequest.TryParse(output[..firLength], out var firAgain), "a written FIR parses");
                    FuzzInvariantException.Check(firAgain.SenderSsrc == fir.SenderSsrc && firAgain.EntryCount == entries.Length, "FIR round-trips");
                    for (var i = 0; i < entries.Length; i++)
                    {
                        FuzzInvariantException.Check(firAgain.GetEntry(i) == entries[i], "FIR entries round-trip");
                    }
                }

                break;
            case RtcpFeedbackFormat.ApplicationLayer when RtcpRemb.TryParse(packet, out var remb):
                var ssrcs = new uint[remb.SsrcCount];
                for (var i = 0; i < ssrcs.Length; i++)
                {
                    ssrcs[i] = remb.GetSsrc(i);
                }

                if (RtcpRemb.TryWrite(output, remb.SenderSsrc, remb.Bitrate, ssrcs, out var rembLength))
                {
                    FuzzInvariantException.Check(RtcpRemb.TryParse(output[..rembLength], out var rembAgain), "a written REMB parses");

                    // The exponent/mantissa form may round a bitrate down, never up, and never changes a written one again.
                    FuzzInvariantException.Check(rembAgain.Bitrate <= remb.Bitrate && rembAgain.SsrcCount == ssrcs.Length, "REMB round-trips");
                }

                break;
        }
    }
}
