using Parley.Media.Rtp;

namespace Parley.Media.Rtc;

/// <summary>
/// Receive-side loss tracking for generic NACK (RFC 4585 §6.2.1): notes every gap in the sequence numbers of one
/// stream, asks for each missing packet at once and then again every RTT, and gives up on a packet after
/// <see cref="MaxRetries"/> requests or <see cref="MaxAgeMilliseconds"/>. When losses cannot be repaired (the list
/// overflows, a packet is given up) it raises <see cref="KeyFrameRequired"/>. Owned by one worker thread.
/// </summary>
internal sealed class NackGenerator
{
    /// <summary>Most missing packets tracked at once (mediasoup's limit).</summary>
    public const int MaxPending = 1000;

    /// <summary>Requests sent for one packet before giving up on it.</summary>
    public const int MaxRetries = 10;

    /// <summary>A missing packet older than this is no longer worth asking for.</summary>
    public const int MaxAgeMilliseconds = 2000;

    /// <summary>A missing packet this many sequence numbers behind the newest is dropped.</summary>
    public const int MaxSequenceAge = 10_000;

    /// <summary>Retry interval while the RTT is unknown.</summary>
    public const int DefaultRttMilliseconds = 100;

    private readonly Pending[] _pending = new Pending[MaxPending];
    private int _count;
    private bool _started;
    private ushort _highest;
    private long _highestExtended;
    private long _lastKeyFrameExtended = long.MinValue;
    private bool _hasRestartCandidate;
    private ushort _restartCandidate;

    /// <summary>Missing packets currently tracked.</summary>
    public int PendingCount => _count;

    /// <summary>True when some tracked packet has not been NACKed yet: call <see cref="CollectNacks"/> now.</summary>
    public bool HasUnsentNacks { get; private set; }

    /// <summary>
    /// Losses could not be repaired, so the decoder needs a key frame; stays set until
    /// <see cref="AcknowledgeKeyFrameRequest"/> or a key frame arrives.
    /// </summary>
    public bool KeyFrameRequired { get; private set; }

    /// <summary>Packets given up (too old, too many retries, or dropped on overflow).</summary>
    public long AbandonedCount { get; private set; }

    /// <summary>
    /// Feeds one received packet. <paramref name="isRecovered"/> marks a packet that came through RTX. Returns true
    /// when the packet was one being NACKed (a repair), which removes it from the list.
    /// </summary>
    public bool OnPacket(ushort sequenceNumber, bool isKeyFrame, bool isRecovered, long nowMilliseconds)
    {
        if (!_started)
        {
            _started = true;
            _highest = sequenceNumber;
            _highestExtended = (1L << 16) + sequenceNumber; // leaves room for reordered packets from before the first
            if (isKeyFrame)
            {
                OnKeyFrame(_highestExtended);
            }

            return false;
        }

        var distance = SequenceNumbers.Distance(_highest, sequenceNumber);
        var extended = _highestExtended + distance;
        if (distance < -MaxSequenceAge)
        {
            // Far behind: either a stray or the sender restarted its numbering. Two in a row mean a restart
            // (the RFC 3550 A.1 rule), and the old gaps can never be filled.
            if (_hasRestartCandidate && sequenceNumber == (ushort)(_restartCandidate + 1))
            {
                Reset();
                return OnPacket(sequenceNumber, isKeyFrame, isRecovered, nowMilliseconds);
            }

            _hasRestartCandidate = true;
            _restartCandidate = sequenceNumber;
            return false;
        }

        _hasRestartCandidate = false;
        if (distance <= 0)
        {
            if (isKeyFrame && extended > _lastKeyFrameExtended)
            {
                OnKeyFrame(extended);
            }

            return distance < 0 && Remove(extended);
        }

        // An RTX packet ahead of everything received is padding-only probing, not media: it opens no gap.
        if (isRecovered)
        {
            return false;
        }

        DropOlderThan(extended - MaxSequenceAge);
        if (distance > 1)
        {
            AddMissing(_highestExtended + 1, distance - 1, nowMilliseconds);
        }

        _highest = sequenceNumber;
        _highestExtended = extended;
        if (isKeyFrame)
        {
            OnKeyFrame(extended);
        }

        return false;
    }

    /// <summary>
    /// Writes into <paramref name="destination"/>, in RTP order, the sequence numbers to NACK now: those never
    /// asked for and those last asked for at least one RTT ago. Packets past their age or retry limit are dropped
    /// (raising <see cref="KeyFrameRequired"/>). Returns how many were written; the rest wait for the next call.
    /// </summary>
    public int CollectNacks(long nowMilliseconds, int rttMilliseconds, Span<ushort> destination)
    {
        var rtt = rttMilliseconds > 0 ? rttMilliseconds : DefaultRttMilliseconds;
        var written = 0;
        var kept = 0;
        var unsent = false;
        for (var i = 0; i < _count; i++)
        {
            var entry = _pending[i];
            var due = entry.Retries == 0 || nowMilliseconds - entry.SentAtMilliseconds >= rtt;
            if (nowMilliseconds - entry.DetectedAtMilliseconds > MaxAgeMilliseconds || (due && entry.Retries >= MaxRetries))
            {
                Abandon(1, entry.ExtendedSequence);
                continue;
            }

            if (due && written < destination.Length)
            {
                destination[written++] = (ushort)entry.ExtendedSequence;
                entry = entry with { SentAtMilliseconds = nowMilliseconds, Retries = entry.Retries + 1 };
            }

            unsent |= entry.Retries == 0;
            _pending[kept++] = entry;
        }

        _count = kept;
        HasUnsentNacks = unsent;
        return written;
    }

    /// <summary>Clears <see cref="KeyFrameRequired"/> once the caller has sent a PLI or FIR.</summary>
    public void AcknowledgeKeyFrameRequest() => KeyFrameRequired = false;

    /// <summary>Forgets everything (new SSRC or a sender restart).</summary>
    public void Reset()
    {
        _count = 0;
        _started = false;
        _lastKeyFrameExtended = long.MinValue;
        _hasRestartCandidate = false;
        HasUnsentNacks = false;
        KeyFrameRequired = false;
    }

    private void OnKeyFrame(long extended)
    {
        _lastKeyFrameExtended = extended;
        KeyFrameRequired = false;
    }

    private void AddMissing(long first, int count, long nowMilliseconds)
    {
        if (_count + count > MaxPending && _lastKeyFrameExtended != long.MinValue)
        {
            // Losses before the last key frame only matter to frames already decodable from it onwards.
            DropOlderThan(_lastKeyFrameExtended);
        }

        if (_count + count > MaxPending)
        {
            Abandon(_count + count, first + count - 1);
            _count = 0;
            return;
        }

        for (var i = 0; i < count; i++)
        {
            _pending[_count++] = new Pending(first + i, nowMilliseconds, SentAtMilliseconds: 0, Retries: 0);
        }

        HasUnsentNacks = true;
    }

    private bool Remove(long extended)
    {
        var index = BinarySearch(extended);
        if (index < 0)
        {
            return false;
        }

        Array.Copy(_pending, index + 1, _pending, index, _count - index - 1);
        _count--;
        return true;
    }

    private void DropOlderThan(long extended)
    {
        var index = BinarySearch(extended);
        var drop = index >= 0 ? index : ~index;
        if (drop == 0)
        {
            return;
        }

        Abandon(drop, _pending[drop - 1].ExtendedSequence);
        Array.Copy(_pending, drop, _pending, 0, _count - drop);
        _count -= drop;
    }

    // A loss from before the last key frame no longer breaks decoding, so only later ones ask for a new key frame.
    private void Abandon(int count, long newestAbandoned)
    {
        AbandonedCount += count;
        if (newestAbandoned > _lastKeyFrameExtended)
        {
            KeyFrameRequired = true;
        }
    }

    // The list stays sorted because gaps are only ever appended after the newest sequence number.
    private int BinarySearch(long extended)
    {
        int low = 0, high = _count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var value = _pending[middle].ExtendedSequence;
            if (value == extended)
            {
                return middle;
            }

            if (value < extended)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    private readonly record struct Pending(long ExtendedSequence, long DetectedAtMilliseconds, long SentAtMilliseconds, int Retries);
}
