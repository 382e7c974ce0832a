namespace Parley.Media.Bwe;

/// <summary>
/// Groups packets sent within 5 ms of each other (a frame or a pacer burst) and reports, for each completed group,
/// the change of send time and of arrival time from the previous group (draft-ietf-rmcat-gcc-02 §5.2). Packets that
/// arrive in a burst after a queue drains (arriving within 5 ms with a negative propagation delta) join the group
/// they came after, so the drain does not read as a falling delay.
/// </summary>
internal sealed class InterArrivalGrouper
{
    public const long GroupLengthMicroseconds = 5_000;
    public const long BurstDeltaMicroseconds = 5_000;
    public const long MaxBurstDurationMicroseconds = 100_000;

    private Group _current;
    private Group _previous;

    /// <summary>Groups dropped because their arrival went back in time (a receiver clock jump).</summary>
    public long Resets { get; private set; }

    /// <summary>
    /// Adds a received packet, in send order; true when it closed a group and the deltas between the two last
    /// complete groups are out.
    /// </summary>
    public bool TryAdd(
        long sendTimeMicroseconds,
        long arrivalTimeMicroseconds,
        int size,
        out long sendDeltaMicroseconds,
        out long arrivalDeltaMicroseconds)
    {
        sendDeltaMicroseconds = 0;
        arrivalDeltaMicroseconds = 0;
        if (!_current.Started)
        {
            _current = Group.Start(sendTimeMicroseconds, arrivalTimeMicroseconds, size);
            return false;
        }

        if (sendTimeMicroseconds < _current.FirstSend)
        {
            return false;
        }

        if (!StartsNewGroup(sendTimeMicroseconds, arrivalTimeMicroseconds))
        {
            _current.Add(sendTimeMicroseconds, arrivalTimeMicroseconds, size);
            return false;
        }

        var ready = false;
        if (_previous.Started)
        {
            sendDeltaMicroseconds = _current.LastSend - _previous.LastSend;
            arrivalDeltaMicroseconds = _current.LastArrival - _previous.LastArrival;
            if (arrivalDeltaMicroseconds < 0)
            {
                Resets++;
                _previous = default;
                _current = Group.Start(sendTimeMicroseconds, arrivalTimeMicroseconds, size);
                return false;
            }

            ready = true;
        }

        _previous = _current;
        _current = Group.Start(sendTimeMicroseconds, arrivalTimeMicroseconds, size);
        return ready;
    }

    private bool StartsNewGroup(long sendTime, long arrivalTime)
    {
        if (BelongsToBurst(sendTime, arrivalTime))
        {
            return false;
        }

        return sendTime - _current.FirstSend > GroupLengthMicroseconds;
    }

    private bool BelongsToBurst(long sendTime, long arrivalTime)
    {
        var arrivalDelta = arrivalTime - _current.LastArrival;
        var sendDelta = sendTime - _current.LastSend;
        if (sendDelta == 0)
        {
            return true;
        }

        var propagationDelta = arrivalDelta - sendDelta;
        return propagationDelta < 0
            && arrivalDelta <= BurstDeltaMicroseconds
            && arrivalTime - _current.FirstArrival < MaxBurstDurationMicroseconds;
    }

    private struct Group
    {
        public bool Started;
        public long FirstSend;
        public long LastSend;
        public long FirstArrival;
        public long LastArrival;
        public long Size;

        public static Group Start(long send, long arrival, int size) => new()
        {
            Started = true,
            FirstSend = send,
            LastSend = send,
            FirstArrival = arrival,
            LastArrival = arrival,
            Size = size,
        };

        public void Add(long send, long arrival, int size)
        {
            LastSend = Math.Max(LastSend, send);
            LastArrival = Math.Max(LastArrival, arrival);
            Size += size;
        }
    }
}
