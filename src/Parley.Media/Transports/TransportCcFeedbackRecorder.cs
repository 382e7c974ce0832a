using Parley.Media.Rtcp;

namespace Parley.Media.Transports;

/// <summary>
/// Collects the transport-wide sequence numbers (draft-holmer-rmcat-transport-wide-cc-extensions-01) and arrival
/// times of received RTP, and turns them into transport feedback every interval: what the browser's send-side
/// bandwidth estimator needs to raise its bitrate. Packets are kept in a fixed array (no allocation per packet),
/// sorted by their unwrapped sequence number when written; duplicates are reported once. Each feedback starts where
/// the previous one ended, so packets lost between two feedbacks are reported as not received (as libwebrtc's
/// receiver does); a packet that arrives after its number was reported lost is left out.
/// </summary>
internal sealed class TransportCcFeedbackRecorder
{
    /// <summary>Pending arrivals kept between feedback packets; more are dropped and counted (about 1 s of HD video).</summary>
    public const int Capacity = 1024;

    /// <summary>The most packets reported as not received between one feedback and the next arrival.</summary>
    private const int MaxReportedGap = Capacity;

    private readonly (long Sequence, long ArrivalMicroseconds)[] _pending = new (long, long)[Capacity];
    private readonly TransportCcArrival[] _arrivals = new TransportCcArrival[Capacity];
    private int _count;
    private long _highest = -1;
    private long _nextToReport = -1;
    private byte _feedbackCount;

    /// <summary>Arrivals not recorded because the pending array was full.</summary>
    public long Overflowed { get; private set; }

    /// <summary>Arrivals that no feedback packet could carry (delta out of range), left out.</summary>
    public long Unreported { get; private set; }

    /// <summary>Arrivals whose sequence number an earlier feedback already reported as not received, left out.</summary>
    public long LateArrivals { get; private set; }

    public int PendingCount => _count;

    /// <summary>Records one packet; <paramref name="arrivalMicroseconds"/> grows with the local clock.</summary>
    public void Record(ushort sequenceNumber, long arrivalMicroseconds)
    {
        if (_count == Capacity)
        {
            Overflowed++;
            return;
        }

        long extended;
        if (_highest < 0)
        {
            extended = sequenceNumber + 0x10000L;
        }
        else
        {
            extended = _highest + (short)(sequenceNumber - (ushort)_highest);
        }

        _highest = Math.Max(_highest, extended);
        _pending[_count++] = (extended, arrivalMicroseconds);
    }

    /// <summary>
    /// Writes the next feedback packet for pending arrivals into <paramref name="destination"/>; false when nothing
    /// is pending. Call until false: one call covers as many arrivals as fit.
    /// </summary>
    public bool TryWriteNext(Span<byte> destination, uint senderSsrc, uint mediaSsrc, out int written)
    {
        written = 0;
        while (_count > 0)
        {
            var arrivals = PrepareSorted();
            var late = CountLate(arrivals);
            if (late > 0)
            {
                LateArrivals += late;
                RemoveFirst(late);
                continue;
            }

            var baseSequence = BaseSequence();
            for (var take = arrivals; take > 0; take /= 2)
            {
                if (RtcpTransportFeedback.TryWrite(destination, senderSsrc, mediaSsrc, _feedbackCount, baseSequence, _arrivals.AsSpan(0, take), out written))
                {
                    _feedbackCount++;
                    _nextToReport = _pending[take - 1].Sequence + 1;
                    RemoveFirst(take);
                    return true;
                }
            }

            // Not even one arrival fits (a reference time out of range): leave it out.
            Unreported++;
            _nextToReport = _pending[0].Sequence + 1;
            RemoveFirst(1);
        }

        return false;
    }

    /// <summary>Sorted pending arrivals at the front whose numbers an earlier feedback already covered.</summary>
    private int CountLate(int arrivals)
    {
        var late = 0;
        while (late < arrivals && _pending[late].Sequence < _nextToReport)
        {
            late++;
        }

        return late;
    }

    /// <summary>
    /// Where the next feedback starts: just after the previous one, unless that is so far back (a sender restart,
    /// a long silence) that the gap says nothing about loss; then at the first arrival.
    /// </summary>
    private ushort BaseSequence()
    {
        var first = _pending[0].Sequence;
        return (ushort)(_nextToReport >= 0 && first - _nextToReport <= MaxReportedGap ? _nextToReport : first);
    }

    /// <summary>Sorts pending arrivals by sequence, drops duplicates and fills <see cref="_arrivals"/>; returns their count.</summary>
    private int PrepareSorted()
    {
        var pending = _pending.AsSpan(0, _count);
        pending.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
        var unique = 0;
        for (var i = 0; i < pending.Length; i++)
        {
            if (unique > 0 && pending[unique - 1].Sequence == pending[i].Sequence)
            {
                continue;
            }

            pending[unique++] = pending[i];
        }

        _count = unique;
        for (var i = 0; i < unique; i++)
        {
            _arrivals[i] = new TransportCcArrival((ushort)pending[i].Sequence, pending[i].ArrivalMicroseconds);
        }

        return unique;
    }

    private void RemoveFirst(int count)
    {
        _pending.AsSpan(count, _count - count).CopyTo(_pending);
        _count -= count;
    }
}
