using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// A consumer's own sequence numbers and timestamps over a producer stream that it forwards only part of the time.
/// Each forwarding period starts with a sync: the first packet after it continues the consumer's sequence without a
/// gap and its timestamp continues from the last one sent by the wall-clock time in between (at least one tick), so
/// that pauses, resumes and keyframe waits look to the receiver like a stream that simply had no packets. Packets
/// older than the sync packet are dropped: they belong to the period before. A sync may bring the timestamp its first
/// packet should get (a simulcast switch that knows it from the sender reports); it is taken when it keeps timestamps
/// rising and is at most 200 ms ahead of the wall-clock guess (a timestamp far ahead would hold the receiver's playout).
/// Packets the consumer chooses not to send (temporal layers it filters) are skipped: the sequence numbers of the rest
/// stay contiguous (a late skipped packet's number is filled with padding by the caller), and only the packets sent
/// map back for retransmission (<see cref="SkippingNumberMap"/>, over the
/// last <see cref="Window"/> input sequence numbers; older packets are dropped).
/// </summary>
internal sealed class RtpSequencer(int clockRate)
{
    /// <summary>How many input sequence numbers behind the newest are still mapped (reordering, retransmission).</summary>
    public const int Window = 1024;

    private readonly SkippingNumberMap _numbers = new(Window);
    private bool _started;
    private bool _syncPending = true;
    private bool _hasTimestampHint;
    private uint _timestampHint;
    private uint _timestampOffset;
    private ushort _syncInputSequence;
    private ushort _highestSequence;
    private uint _highestTimestamp;
    private long _highestSentAtMs;

    /// <summary>True once a packet has gone out.</summary>
    public bool HasSent => _started;

    /// <summary>The newest sequence number sent.</summary>
    public ushort HighestSequence => _highestSequence;

    /// <summary>The timestamp of the newest packet sent.</summary>
    public uint HighestTimestamp => _highestTimestamp;

    /// <summary>When the newest packet went out (worker clock, ms).</summary>
    public long HighestSentAtMs => _highestSentAtMs;

    /// <summary>The output timestamp of input <paramref name="timestamp"/> in the current period: forwarding and retransmission alike.</summary>
    public uint MapTimestamp(uint timestamp) => timestamp + _timestampOffset;

    /// <summary>Makes the next packet start a new period.</summary>
    public void RequestSync()
    {
        _syncPending = true;
        _hasTimestampHint = false;
    }

    /// <summary>Makes the next packet start a new period, with the output timestamp it should get if plausible.</summary>
    public void RequestSync(uint outputTimestampHint)
    {
        _syncPending = true;
        _hasTimestampHint = true;
        _timestampHint = outputTimestampHint;
    }

    /// <summary>Maps an input packet; false for one that belongs to an earlier period.</summary>
    public bool TryRewrite(ushort sequence, uint timestamp, long nowMs, out ushort outSequence, out uint outTimestamp)
    {
        if (_syncPending)
        {
            _syncPending = false;
            _syncInputSequence = sequence;
            if (!_started)
            {
                _numbers.Reset(sequence, sequence, 0xFFFF);
                _timestampOffset = 0;
            }
            else
            {
                _numbers.Reset(sequence, (ushort)(_highestSequence + 1), 0xFFFF);
                var elapsedMs = Math.Max(0, nowMs - _highestSentAtMs);
                var ticks = (uint)Math.Max(1, elapsedMs * clockRate / 1000);
                var next = _highestTimestamp + ticks;
                var hintAhead = _timestampHint - _highestTimestamp;
                if (_hasTimestampHint && hintAhead is > 0 and < 0x8000_0000 && hintAhead <= ticks + (uint)(clockRate / 5))
                {
                    next = _timestampHint;
                }

                _timestampOffset = next - timestamp;
            }
        }
        else if (sequence != _syncInputSequence && !SequenceNumbers.IsNewer(sequence, _syncInputSequence))
        {
            outSequence = 0;
            outTimestamp = 0;
            return false;
        }

        if (!_numbers.TryForward(sequence, out var mapped))
        {
            outSequence = 0;
            outTimestamp = 0;
            return false;
        }

        outSequence = (ushort)mapped;
        outTimestamp = MapTimestamp(timestamp);
        if (!_started || SequenceNumbers.IsNewer(outSequence, _highestSequence))
        {
            _started = true;
            _highestSequence = outSequence;
            _highestTimestamp = outTimestamp;
            _highestSentAtMs = nowMs;
        }

        return true;
    }

    /// <summary>
    /// Leaves an input packet out of the consumer's stream: when it is the newest, the next packet sent takes its
    /// sequence number. A late one (a newer packet went out already) keeps its number: true, with that number and the
    /// timestamp, for a padding packet that fills it. Nothing to do before a period's first packet, which continues the
    /// sequence anyway.
    /// </summary>
    public bool Skip(ushort sequence, uint timestamp, out ushort fillSequence, out uint fillTimestamp)
    {
        fillSequence = 0;
        fillTimestamp = 0;
        if (_syncPending || !_numbers.Drop(sequence, out var hole))
        {
            return false;
        }

        fillSequence = (ushort)hole;
        fillTimestamp = MapTimestamp(timestamp);
        return true;
    }

    /// <summary>The input sequence number a sent one came from, when it was sent in the current period (never a skipped one).</summary>
    public bool TryMapBack(ushort outSequence, out ushort inputSequence)
    {
        inputSequence = 0;
        if (!_started || _syncPending || !_numbers.TryMapBack(outSequence, out var input))
        {
            return false;
        }

        inputSequence = (ushort)input;
        return true;
    }
}
