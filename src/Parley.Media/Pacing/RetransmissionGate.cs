namespace Parley.Media.Pacing;

/// <summary>
/// One send stream's record of what it sent (by outgoing sequence number: first send, last resend, resends so far)
/// in front of its <see cref="RetransmissionLimiter"/>: a NACKed packet is resent only when the limiter allows it
/// (still in time, not too soon, not too often, within the share of the media rate). A fixed ring, no allocation.
/// </summary>
internal sealed class RetransmissionGate
{
    /// <summary>About 2 s of a 2 Mbit/s stream; a NACK for anything older is refused as too old anyway.</summary>
    public const int Capacity = 512;

    private readonly Entry[] _entries = new Entry[Capacity];

    public RetransmissionGate(RetransmissionLimiterOptions options)
    {
        Limiter = new RetransmissionLimiter(options);
        for (var i = 0; i < _entries.Length; i++)
        {
            _entries[i].Sequence = -1;
        }
    }

    public RetransmissionLimiter Limiter { get; }

    /// <summary>NACKed packets the record no longer held (overwritten or never sent), refused.</summary>
    public long RefusedUnknown { get; private set; }

    /// <summary>A media packet of <paramref name="size"/> bytes went out as <paramref name="sequence"/>.</summary>
    public void OnSent(ushort sequence, int size, long nowMicroseconds)
    {
        _entries[sequence % Capacity] = new Entry { Sequence = sequence, FirstSent = nowMicroseconds, LastSent = nowMicroseconds };
        Limiter.OnMediaSent(size);
    }

    /// <summary>Whether <paramref name="sequence"/> may go out again now; an allowed resend is recorded.</summary>
    public bool TryResend(ushort sequence, int size, long nowMicroseconds)
    {
        ref var entry = ref _entries[sequence % Capacity];
        if (entry.Sequence != sequence)
        {
            RefusedUnknown++;
            return false;
        }

        if (Limiter.Decide(entry.FirstSent, entry.LastSent, entry.Attempts, size, nowMicroseconds) != RetransmissionVerdict.Allowed)
        {
            return false;
        }

        entry.Attempts++;
        entry.LastSent = nowMicroseconds;
        return true;
    }

    private struct Entry
    {
        public int Sequence;
        public long FirstSent;
        public long LastSent;
        public int Attempts;
    }
}
