namespace Parley.Media.Rtp;

/// <summary>
/// Tracks the extended highest sequence number of one RTP source (RFC 3550 appendix A.1): counts wraps,
/// tolerates reordering and small gaps, and resynchronises after a large jump once two sequential packets confirm it.
/// </summary>
internal struct ExtendedSequenceTracker
{
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const int MinSequential = 2;
    private const uint SequenceModulo = 1 << 16;

    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private uint _badSequence;
    private int _probation;
    private bool _initialized;

    /// <summary>The highest sequence number seen, extended with the wrap count (RFC 3550 §6.4.1).</summary>
    public readonly uint ExtendedHighest => _cycles + _maxSequence;

    /// <summary>The extended sequence number of the first packet of the current run.</summary>
    public readonly uint ExtendedBase => _baseSequence;

    /// <summary>Number of times the sequence has wrapped.</summary>
    public readonly uint Cycles => _cycles >> 16;

    /// <summary>True once the source has passed probation.</summary>
    public readonly bool IsValid => _initialized && _probation == 0;

    /// <summary>
    /// Feeds one received sequence number. Returns false when the packet should not count as valid yet
    /// (probation, a large jump being confirmed, or a very late duplicate).
    /// </summary>
    public bool Update(ushort sequence)
    {
        if (!_initialized)
        {
            Reset(sequence);
            _maxSequence = (ushort)(sequence - 1);
            _probation = MinSequential;
            _initialized = true;
        }

        var delta = (ushort)(sequence - _maxSequence);

        if (_probation > 0)
        {
            if (sequence == (ushort)(_maxSequence + 1))
            {
                _probation--;
                _maxSequence = sequence;
                if (_probation == 0)
                {
                    Reset(sequence);
                    return true;
                }
            }
            else
            {
                _probation = MinSequential - 1;
                _maxSequence = sequence;
            }

            return false;
        }

        if (delta < MaxDropout)
        {
            if (sequence < _maxSequence)
            {
                _cycles += SequenceModulo;
            }

            _maxSequence = sequence;
        }
        else if (delta <= SequenceModulo - MaxMisorder)
        {
            if (sequence == _badSequence)
            {
                // Two sequential packets after a jump: the sender restarted, so follow it.
                Reset(sequence);
            }
            else
            {
                _badSequence = (uint)((sequence + 1) & (SequenceModulo - 1));
                return false;
            }
        }

        // Otherwise a duplicate or a reordered packet, which still counts.
        return true;
    }

    /// <summary>
    /// Extends <paramref name="sequence"/> with the cycle count that puts it closest to the current highest,
    /// so a late packet from before a wrap gets the previous cycle.
    /// </summary>
    public readonly long Extend(ushort sequence)
    {
        long highest = ExtendedHighest;
        return highest + SequenceNumbers.Distance(_maxSequence, sequence);
    }

    private void Reset(ushort sequence)
    {
        _maxSequence = sequence;
        _cycles = 0;
        _baseSequence = sequence;
        _badSequence = SequenceModulo + 1;
    }
}
