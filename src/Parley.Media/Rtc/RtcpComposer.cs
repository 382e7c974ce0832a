using Parley.Media.Rtcp;

namespace Parley.Media.Rtc;

/// <summary>
/// Appends RTCP packets to a compound packet in a caller's buffer (RFC 3550 §6.1): the SRs, SDES, RRs and
/// feedback a worker sends each interval. Every <c>TryAdd</c> is all or nothing, so when one fails for room the
/// caller sends <see cref="Written"/>, calls <see cref="Reset"/> and adds it again. Allocation-free.
/// </summary>
/// <remarks>
/// A full compound packet starts with an SR or RR and carries an SDES CNAME; with reduced-size RTCP
/// (RFC 5506, which browsers negotiate) feedback may also go alone. The composer keeps the order it is given.
/// </remarks>
internal ref struct RtcpComposer
{
    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>Composes into <paramref name="buffer"/>; its length is the most a datagram may carry.</summary>
    public RtcpComposer(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Bytes composed so far.</summary>
    public readonly int Length => _length;

    /// <summary>The compound packet composed so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    /// <summary>Room left.</summary>
    public readonly int Remaining => _buffer.Length - _length;

    /// <summary>Packets added since the last reset.</summary>
    public int PacketCount { get; private set; }

    /// <summary>Starts a new compound packet in the same buffer.</summary>
    public void Reset()
    {
        _length = 0;
        PacketCount = 0;
    }

    /// <summary>
    /// Adds an SR for <paramref name="stream"/>: wall clock <paramref name="ntpTimestamp"/> paired with the RTP
    /// timestamp of <paramref name="nowMilliseconds"/>, then <paramref name="blocks"/> (at most 31). Fails as well
    /// before the stream has sent a packet.
    /// </summary>
    public bool TryAddSenderReport(SendStreamStatistics stream, long nowMilliseconds, ulong ntpTimestamp, scoped ReadOnlySpan<RtcpReportBlock> blocks = default) =>
        Commit(stream.TryWriteSenderReport(_buffer[_length..], nowMilliseconds, ntpTimestamp, blocks, out var written), written);

    /// <summary>Adds an SDES packet with one chunk: <paramref name="ssrc"/> and its CNAME.</summary>
    public bool TryAddCname(uint ssrc, scoped ReadOnlySpan<byte> cnameUtf8) =>
        Commit(RtcpSourceDescription.TryWriteCname(_buffer[_length..], ssrc, cnameUtf8, out var written), written);

    /// <summary>Adds an SDES packet with one chunk per SSRC (at most 31), all with the same CNAME.</summary>
    public bool TryAddCnames(scoped ReadOnlySpan<uint> ssrcs, scoped ReadOnlySpan<byte> cnameUtf8)
    {
        if (ssrcs.IsEmpty)
        {
            return false;
        }

        var builder = new RtcpSourceDescriptionBuilder(_buffer[_length..]);
        foreach (var ssrc in ssrcs)
        {
            if (!builder.TryAddChunk(ssrc) || !builder.TryAddItem(SdesItemType.Cname, cnameUtf8))
            {
                return false;
            }
        }

        return Commit(builder.TryFinish(out var written), written);
    }

    /// <summary>Adds an RR from <paramref name="senderSsrc"/> carrying <paramref name="blocks"/> (0 to 31).</summary>
    public bool TryAddReceiverReport(uint senderSsrc, scoped ReadOnlySpan<RtcpReportBlock> blocks) =>
        Commit(RtcpReceiverReport.TryWrite(_buffer[_length..], senderSsrc, blocks, out var written), written);

    /// <summary>
    /// Adds RRs from <paramref name="senderSsrc"/> with one block per stream, 31 to a packet. Each stream starts a new
    /// report interval only when everything fits, so a failed call changes no statistics.
    /// </summary>
    public bool TryAddReceiverReports(uint senderSsrc, scoped ReadOnlySpan<ReceiveStreamStatistics> streams, long nowMilliseconds)
    {
        var packets = streams.IsEmpty ? 1 : (streams.Length + RtcpHeader.MaxCount - 1) / RtcpHeader.MaxCount;
        if ((packets * 8) + (streams.Length * RtcpReportBlock.Size) > Remaining)
        {
            return false;
        }

        Span<RtcpReportBlock> blocks = stackalloc RtcpReportBlock[RtcpHeader.MaxCount];
        var start = _length;
        var startCount = PacketCount;
        var next = 0;
        do
        {
            var count = Math.Min(RtcpHeader.MaxCount, streams.Length - next);
            for (var i = 0; i < count; i++)
            {
                blocks[i] = streams[next + i].CreateReportBlock(nowMilliseconds);
            }

            next += count;
            if (!TryAddReceiverReport(senderSsrc, blocks[..count]))
            {
                _length = start;
                PacketCount = startCount;
                return false;
            }
        }
        while (next < streams.Length);

        return true;
    }

    /// <summary>Adds a generic NACK for <paramref name="lost"/> (in RTP order, as <see cref="NackGenerator"/> gives them).</summary>
    public bool TryAddGenericNack(uint senderSsrc, uint mediaSsrc, scoped ReadOnlySpan<ushort> lost) =>
        Commit(RtcpGenericNack.TryWrite(_buffer[_length..], senderSsrc, mediaSsrc, lost, out var written), written);

    /// <summary>Adds a PLI asking <paramref name="mediaSsrc"/> for a key frame.</summary>
    public bool TryAddPictureLossIndication(uint senderSsrc, uint mediaSsrc) =>
        Commit(new RtcpPictureLossIndication(senderSsrc, mediaSsrc).TryWrite(_buffer[_length..], out var written), written);

    /// <summary>Adds a FIR asking <paramref name="mediaSsrc"/> for a key frame, with the request's sequence number.</summary>
    public bool TryAddFullIntraRequest(uint senderSsrc, uint mediaSsrc, byte sequenceNumber)
    {
        ReadOnlySpan<RtcpFirEntry> entries = [new RtcpFirEntry(mediaSsrc, sequenceNumber)];
        return Commit(RtcpFullIntraRequest.TryWrite(_buffer[_length..], senderSsrc, entries, out var written), written);
    }

    /// <summary>Adds a BYE for <paramref name="ssrcs"/> with an optional UTF-8 reason.</summary>
    public bool TryAddGoodbye(scoped ReadOnlySpan<uint> ssrcs, scoped ReadOnlySpan<byte> reasonUtf8 = default) =>
        Commit(RtcpGoodbye.TryWrite(_buffer[_length..], ssrcs, reasonUtf8, out var written), written);

    private bool Commit(bool success, int written)
    {
        if (!success)
        {
            return false;
        }

        _length += written;
        PacketCount++;
        return true;
    }
}
