using Parley.Media.Rtcp;

namespace Parley.Media.Bwe;

/// <summary>
/// Send times of the packets a transport sent, by transport-wide sequence number, matched with the transport-cc
/// feedback (RTPFB FMT 15) the receiver returns. A fixed ring indexed by the unwrapped sequence number: no allocation
/// per packet, and an entry overwritten by a newer packet is never mistaken for the old one. Each packet is reported
/// once as received; a packet reported lost and later received is reported again as received (feedback repeats
/// packets it had marked missing when they arrive late).
/// </summary>
internal sealed class SendTimeHistory
{
    /// <summary>About 8 s of 1,000 packets per second — longer than any feedback takes to come back.</summary>
    public const int DefaultCapacity = 8192;

    private const int ReferenceTimeBits = 24;

    private readonly Entry[] _entries;
    private readonly long _mask;
    private long _highestSent = -1;
    private long _referenceTime;
    private bool _haveReference;

    public SendTimeHistory(int capacity = DefaultCapacity)
    {
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), "A power of two of at least 16.");
        }

        _entries = new Entry[capacity];
        _mask = capacity - 1;
        for (var i = 0; i < _entries.Length; i++)
        {
            _entries[i].Sequence = -1;
        }
    }

    /// <summary>Bytes sent and not yet reported received or lost (the congestion window's input).</summary>
    public long BytesInFlight { get; private set; }

    /// <summary>Feedback entries for sequence numbers never sent or already overwritten in the ring.</summary>
    public long UnknownReported { get; private set; }

    /// <summary>Feedback entries for packets already reported received.</summary>
    public long DuplicatesReported { get; private set; }

    /// <summary>Feedback entries left out because the caller's result buffer was full.</summary>
    public long Truncated { get; private set; }

    /// <summary>Records a packet as it leaves; returns its unwrapped sequence number.</summary>
    public long OnPacketSent(ushort sequenceNumber, long sendTimeMicroseconds, int size, int probeClusterId = ProbeCluster.None)
    {
        var sequence = Unwrap(sequenceNumber);
        _highestSent = Math.Max(_highestSent, sequence);
        ref var entry = ref _entries[sequence & _mask];
        if (entry.Sequence >= 0 && entry.State == PacketState.InFlight)
        {
            BytesInFlight -= entry.Size;
        }

        entry = new Entry
        {
            Sequence = sequence,
            SendTime = sendTimeMicroseconds,
            Size = size,
            ProbeClusterId = probeClusterId,
            State = PacketState.InFlight,
        };
        BytesInFlight += size;
        return sequence;
    }

    /// <summary>
    /// Matches <paramref name="feedback"/> with the recorded sends and writes one result per newly reported packet
    /// into <paramref name="results"/>, in sequence order; returns how many.
    /// </summary>
    public int ProcessFeedback(in RtcpTransportFeedback feedback, Span<PacketResult> results)
    {
        if (_highestSent < 0)
        {
            UnknownReported += feedback.PacketStatusCount;
            return 0;
        }

        var arrival = UnwrapReferenceTime(feedback.ReferenceTime) * RtcpTransportFeedback.ReferenceTickMicroseconds;
        var sequence = Unwrap(feedback.BaseSequenceNumber);
        var count = 0;
        foreach (var status in feedback.Packets)
        {
            var current = sequence++;
            if (status.Received)
            {
                arrival += status.DeltaMicroseconds;
            }

            ref var entry = ref _entries[current & _mask];
            if (entry.Sequence != current || current < 0)
            {
                UnknownReported++;
                continue;
            }

            if (entry.State == PacketState.Received || (entry.State == PacketState.Lost && !status.Received))
            {
                DuplicatesReported += entry.State == PacketState.Received ? 1 : 0;
                continue;
            }

            if (count == results.Length)
            {
                Truncated++;
                continue;
            }

            if (entry.State == PacketState.InFlight)
            {
                BytesInFlight -= entry.Size;
            }

            entry.State = status.Received ? PacketState.Received : PacketState.Lost;
            results[count++] = new PacketResult(
                current,
                entry.SendTime,
                status.Received ? arrival : PacketResult.NotReceived,
                entry.Size,
                entry.ProbeClusterId);
        }

        return count;
    }

    private long Unwrap(ushort sequenceNumber) => _highestSent < 0
        ? sequenceNumber + 0x10000L
        : _highestSent + (short)(sequenceNumber - (ushort)_highestSent);

    // The 24-bit reference time wraps after about 12 days; unwrap it against the previous one.
    private long UnwrapReferenceTime(int referenceTime)
    {
        var raw = referenceTime & ((1 << ReferenceTimeBits) - 1);
        if (!_haveReference)
        {
            _haveReference = true;
            _referenceTime = raw;
            return raw;
        }

        var step = ((raw - (int)(_referenceTime & ((1 << ReferenceTimeBits) - 1))) << (32 - ReferenceTimeBits)) >> (32 - ReferenceTimeBits);
        _referenceTime += step;
        return _referenceTime;
    }

    private enum PacketState : byte
    {
        InFlight,
        Lost,
        Received,
    }

    private struct Entry
    {
        public long Sequence;
        public long SendTime;
        public int Size;
        public int ProbeClusterId;
        public PacketState State;
    }
}
