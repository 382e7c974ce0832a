using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>
/// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): RTPFB
/// FMT 15 with a base sequence number, a status count, a 24-bit reference time in 64 ms units, a feedback packet
/// count, status chunks, then one receive delta per received packet in 250 µs units. Parsing checks every chunk
/// and delta once; <see cref="Packets"/> then expands them without allocating.
/// </summary>
internal readonly ref struct RtcpTransportFeedback
{
    /// <summary>Resolution of receive deltas.</summary>
    public const int DeltaTickMicroseconds = 250;

    /// <summary>Resolution of the reference time.</summary>
    public const int ReferenceTickMicroseconds = 64_000;

    private const int FciFixedLength = 8;
    private const int TicksPerReferenceTick = ReferenceTickMicroseconds / DeltaTickMicroseconds;

    private readonly ReadOnlySpan<byte> _chunks;
    private readonly ReadOnlySpan<byte> _deltas;

    private RtcpTransportFeedback(
        uint senderSsrc,
        uint mediaSsrc,
        ReadOnlySpan<byte> fci,
        ReadOnlySpan<byte> chunks,
        ReadOnlySpan<byte> deltas)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        BaseSequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(fci);
        PacketStatusCount = BinaryPrimitives.ReadUInt16BigEndian(fci[2..]);
        var reference = (fci[4] << 16) | (fci[5] << 8) | fci[6];
        ReferenceTime = (reference << 8) >> 8;
        FeedbackPacketCount = fci[7];
        _chunks = chunks;
        _deltas = deltas;
    }

    public uint SenderSsrc { get; }

    public uint MediaSsrc { get; }

    public ushort BaseSequenceNumber { get; }

    public int PacketStatusCount { get; }

    /// <summary>The signed 24-bit reference time, in 64 ms units.</summary>
    public int ReferenceTime { get; }

    public long ReferenceTimeMicroseconds => (long)ReferenceTime * ReferenceTickMicroseconds;

    /// <summary>The sender's counter of feedback packets, for detecting lost feedback.</summary>
    public byte FeedbackPacketCount { get; }

    /// <summary>Every sequence number from the base on, with its status and delta.</summary>
    public TransportCcStatusEnumerator Packets => new(BaseSequenceNumber, PacketStatusCount, _chunks, _deltas);

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpTransportFeedback feedback)
    {
        feedback = default;
        if (!RtcpFeedback.TrySplit(packet, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.TransportWideCc, out var sender, out var media, out var fci)
            || fci.Length < FciFixedLength)
        {
            return false;
        }

        var statusCount = BinaryPrimitives.ReadUInt16BigEndian(fci[2..]);
        var position = FciFixedLength;
        var described = 0;
        var deltaBytes = 0;
        while (described < statusCount)
        {
            if (position + 2 > fci.Length)
            {
                return false;
            }

            var chunk = BinaryPrimitives.ReadUInt16BigEndian(fci[position..]);
            position += 2;
            var symbols = Math.Min(TransportCcChunks.Capacity(chunk), statusCount - described);
            if ((chunk & 0x8000) == 0)
            {
                var symbol = TransportCcChunks.SymbolAt(chunk, 0);
                if (symbol == TransportCcSymbol.Reserved && symbols > 0)
                {
                    return false;
                }

                deltaBytes += symbols * TransportCcChunks.DeltaSize(symbol);
            }
            else
            {
                for (var i = 0; i < symbols; i++)
                {
                    var symbol = TransportCcChunks.SymbolAt(chunk, i);
                    if (symbol == TransportCcSymbol.Reserved)
                    {
                        return false;
                    }

                    deltaBytes += TransportCcChunks.DeltaSize(symbol);
                }
            }

            described += symbols;
        }

        if (position + deltaBytes > fci.Length)
        {
            return false;
        }

        feedback = new RtcpTransportFeedback(
            sender,
            media,
            fci,
            fci[FciFixedLength..position],
            fci.Slice(position, deltaBytes));
        return true;
    }

    /// <summary>
    /// Writes feedback for <paramref name="arrivals"/>, given in increasing transport sequence order (wrapping at
    /// 65535); the first one is the base sequence number and gaps are reported as not received.
    /// </summary>
    public static bool TryWrite(
        Span<byte> destination,
        uint senderSsrc,
        uint mediaSsrc,
        byte feedbackPacketCount,
        ReadOnlySpan<TransportCcArrival> arrivals,
        out int written) =>
        TryWrite(destination, senderSsrc, mediaSsrc, feedbackPacketCount, arrivals.IsEmpty ? (ushort)0 : arrivals[0].SequenceNumber, arrivals, out written);

    /// <summary>
    /// Writes feedback that starts at <paramref name="baseSequence"/> (at or before the first arrival: the packets
    /// from it up to the first arrival are reported as not received, so that a loss just after the previous feedback
    /// is not lost from view) for <paramref name="arrivals"/>, given in increasing transport sequence order (wrapping
    /// at 65535); gaps are reported as not received. The reference time
    /// is the first arrival rounded down to 64 ms; each arrival is rounded to 250 µs and sent as a delta from the
    /// previous one. Fails when the order is wrong, a delta exceeds the two-byte range (split the feedback then),
    /// or the buffer is too small. The packet is padded to 32 bits with RTCP padding, as libwebrtc does.
    /// </summary>
    public static bool TryWrite(
        Span<byte> destination,
        uint senderSsrc,
        uint mediaSsrc,
        byte feedbackPacketCount,
        ushort baseSequence,
        ReadOnlySpan<TransportCcArrival> arrivals,
        out int written)
    {
        written = 0;
        if (arrivals.IsEmpty || destination.Length < RtcpFeedback.FixedLength + FciFixedLength || arrivals[0].ArrivalTimeMicroseconds < 0)
        {
            return false;
        }

        var leadingLost = (ushort)(arrivals[0].SequenceNumber - baseSequence);
        if (leadingLost >= 0x8000)
        {
            return false;
        }

        var statusCount = 1 + leadingLost;
        for (var i = 1; i < arrivals.Length; i++)
        {
            var step = (ushort)(arrivals[i].SequenceNumber - arrivals[i - 1].SequenceNumber);
            statusCount += step;
            if (step == 0 || step >= 0x8000 || statusCount > ushort.MaxValue || arrivals[i].ArrivalTimeMicroseconds < 0)
            {
                return false;
            }
        }

        var referenceTime = arrivals[0].ArrivalTimeMicroseconds / ReferenceTickMicroseconds;
        var position = RtcpFeedback.FixedLength;
        var fci = destination[position..];
        BinaryPrimitives.WriteUInt16BigEndian(fci, baseSequence);
        BinaryPrimitives.WriteUInt16BigEndian(fci[2..], (ushort)statusCount);
        fci[4] = (byte)(referenceTime >> 16);
        fci[5] = (byte)(referenceTime >> 8);
        fci[6] = (byte)referenceTime;
        fci[7] = feedbackPacketCount;
        position += FciFixedLength;

        if (!TryWriteChunks(destination, ref position, leadingLost, arrivals, referenceTime * TicksPerReferenceTick)
            || !TryWriteDeltas(destination, ref position, arrivals, referenceTime * TicksPerReferenceTick))
        {
            return false;
        }

        var padding = (4 - (position % 4)) % 4;
        if (position + padding > destination.Length)
        {
            return false;
        }

        if (padding > 0)
        {
            destination.Slice(position, padding - 1).Clear();
            position += padding;
            destination[position - 1] = (byte)padding;
        }

        if (!RtcpFeedback.TryWriteFixed(destination, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.TransportWideCc, position, senderSsrc, mediaSsrc, padding > 0))
        {
            return false;
        }

        written = position;
        return true;
    }

    private static long ToTicks(long microseconds) => (microseconds + (DeltaTickMicroseconds / 2)) / DeltaTickMicroseconds;

    private static TransportCcSymbol SymbolFor(long deltaTicks) => deltaTicks switch
    {
        >= 0 and <= byte.MaxValue => TransportCcSymbol.SmallDelta,
        >= short.MinValue and <= short.MaxValue => TransportCcSymbol.LargeDelta,
        _ => TransportCcSymbol.Reserved,
    };

    private static bool TryWriteChunks(Span<byte> destination, ref int position, int leadingLost, ReadOnlySpan<TransportCcArrival> arrivals, long referenceTicks)
    {
        Span<TransportCcSymbol> pending = stackalloc TransportCcSymbol[TransportCcChunks.OneBitCapacity];
        var encoder = new TransportCcChunkEncoder(pending);
        var previousTicks = referenceTicks;
        ushort chunk;
        for (var m = 0; m < leadingLost; m++)
        {
            if (encoder.Add(TransportCcSymbol.NotReceived, out chunk) && !TryWriteChunk(destination, ref position, chunk))
            {
                return false;
            }
        }

        for (var i = 0; i < arrivals.Length; i++)
        {
            if (i > 0)
            {
                var missing = (ushort)(arrivals[i].SequenceNumber - arrivals[i - 1].SequenceNumber) - 1;
                for (var m = 0; m < missing; m++)
                {
                    if (encoder.Add(TransportCcSymbol.NotReceived, out chunk) && !TryWriteChunk(destination, ref position, chunk))
                    {
                        return false;
                    }
                }
            }

            var ticks = ToTicks(arrivals[i].ArrivalTimeMicroseconds);
            var symbol = SymbolFor(ticks - previousTicks);
            previousTicks = ticks;
            if (symbol == TransportCcSymbol.Reserved
                || (encoder.Add(symbol, out chunk) && !TryWriteChunk(destination, ref position, chunk)))
            {
                return false;
            }
        }

        return !encoder.Finish(out chunk) || TryWriteChunk(destination, ref position, chunk);
    }

    private static bool TryWriteChunk(Span<byte> destination, ref int position, ushort chunk)
    {
        if (position + 2 > destination.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[position..], chunk);
        position += 2;
        return true;
    }

    private static bool TryWriteDeltas(Span<byte> destination, ref int position, ReadOnlySpan<TransportCcArrival> arrivals, long referenceTicks)
    {
        var previousTicks = referenceTicks;
        foreach (var arrival in arrivals)
        {
            var ticks = ToTicks(arrival.ArrivalTimeMicroseconds);
            var delta = ticks - previousTicks;
            previousTicks = ticks;
            if (SymbolFor(delta) == TransportCcSymbol.SmallDelta)
            {
                if (position + 1 > destination.Length)
                {
                    return false;
                }

                destination[position++] = (byte)delta;
            }
            else
            {
                if (position + 2 > destination.Length)
                {
                    return false;
                }

                BinaryPrimitives.WriteInt16BigEndian(destination[position..], (short)delta);
                position += 2;
            }
        }

        return true;
    }
}
