using System.Numerics;

namespace Parley.Media.Routing;

/// <summary>
/// Output numbers for a wrapping counter (RTP sequence numbers, VP8 picture IDs) of which a consumer drops some inputs,
/// so that the outputs of the ones it forwards stay contiguous: a receiver takes a hole for a loss and asks for it
/// again and again. The window behind the newest input remembers which inputs were dropped and which forwarded, so a
/// late input is numbered with the drops after it taken into account, and an output traces back to its input. Only a
/// drop of the newest input shifts the outputs after it; a late drop would collide with outputs already given, so its
/// output stays taken (the caller fills it) and maps back to nothing. Inputs older than the window are refused. Worker thread only; nothing is
/// allocated after construction.
/// </summary>
internal sealed class SkippingNumberMap
{
    private readonly ulong[] _dropped;
    private readonly ulong[] _forwarded;
    private int _window;
    private int _mask;
    private int _highest;
    private int _offset;
    private bool _started;

    /// <param name="capacity">The largest window (a power of two, at least 64); a counter's half range caps it.</param>
    public SkippingNumberMap(int capacity)
    {
        _dropped = new ulong[capacity / 64];
        _forwarded = new ulong[capacity / 64];
    }

    /// <summary>True once <see cref="Reset"/> has set a numbering.</summary>
    public bool IsStarted => _started;

    /// <summary>The counter's mask (0xFFFF for sequence numbers, 0x7FFF or 0x7F for picture IDs).</summary>
    public int Mask => _mask;

    /// <summary>The newest input seen.</summary>
    public int HighestInput => _highest;

    /// <summary>Starts numbering afresh: <paramref name="input"/> will go out as <paramref name="output"/>; nothing before it is known.</summary>
    public void Reset(int input, int output, int mask)
    {
        _mask = mask;
        _window = Math.Min(_dropped.Length * 64, (mask + 1) / 2);
        Array.Clear(_dropped);
        Array.Clear(_forwarded);
        _highest = (input - 1) & mask;
        _offset = (output - input) & mask;
        _started = true;
    }

    /// <summary>Numbers a forwarded input; false when it is older than the window or was dropped.</summary>
    public bool TryForward(int input, out int output)
    {
        output = 0;
        if (!_started)
        {
            return false;
        }

        input &= _mask;
        var dropsAfter = 0;
        if (IsNewer(input))
        {
            Advance(input);
        }
        else if (!IsInWindow(input) || IsSet(_dropped, input))
        {
            return false;
        }
        else
        {
            dropsAfter = CountDroppedAfter(input);
        }

        Set(_forwarded, input);
        output = (input + _offset + dropsAfter) & _mask;
        return true;
    }

    /// <summary>
    /// Leaves <paramref name="input"/> out: when it is the newest, the outputs after it close up and the result is
    /// false. A late one cannot close up (newer inputs have their outputs already): true, with the output it keeps,
    /// which the caller fills (with a padding packet) so that the receiver does not miss it. False, too, for an input
    /// already dropped or forwarded, or older than the window.
    /// </summary>
    public bool Drop(int input, out int holeOutput)
    {
        holeOutput = 0;
        input &= _mask;
        if (!_started)
        {
            return false;
        }

        if (IsNewer(input))
        {
            Advance(input);
            Set(_dropped, input);
            _offset = (_offset - 1) & _mask;
            return false;
        }

        if (!IsInWindow(input) || IsSet(_dropped, input) || IsSet(_forwarded, input))
        {
            return false;
        }

        holeOutput = (input + _offset + CountDroppedAfter(input)) & _mask;
        return true;
    }

    /// <summary>Whether <paramref name="input"/> is a recent input that was dropped (true) or forwarded (false); null when unknown.</summary>
    public bool? WasDropped(int input)
    {
        input &= _mask;
        if (!_started || IsNewer(input) || !IsInWindow(input))
        {
            return null;
        }

        return IsSet(_dropped, input) ? true : IsSet(_forwarded, input) ? false : null;
    }

    /// <summary>The forwarded input that went out as <paramref name="output"/>; false for a hole or one older than the window.</summary>
    public bool TryMapBack(int output, out int input)
    {
        input = 0;
        if (!_started)
        {
            return false;
        }

        // The outputs below the next one count down over the inputs that were not dropped, newest first.
        var next = (_highest + 1 + _offset) & _mask;
        var remaining = (next - (output & _mask)) & _mask;
        if (remaining == 0 || remaining > _window)
        {
            return false;
        }

        // A whole word of the window at a time (a NACK may list hundreds of numbers), then bit by bit within the word.
        var behind = 0;
        while (behind < _window)
        {
            var length = ChunkLength(behind, _window - behind, out var word, out var bits);
            var kept = length - BitOperations.PopCount(_dropped[word] & bits);
            if (kept < remaining)
            {
                remaining -= kept;
                behind += length;
                continue;
            }

            for (var i = 0; i < length; i++)
            {
                var candidate = (_highest - behind - i) & _mask;
                if (IsSet(_dropped, candidate) || --remaining > 0)
                {
                    continue;
                }

                input = candidate;
                return IsSet(_forwarded, candidate);
            }

            return false;
        }

        return false;
    }

    private bool IsNewer(int input)
    {
        var ahead = (input - _highest) & _mask;
        return ahead != 0 && ahead <= _mask / 2;
    }

    private bool IsInWindow(int input) => ((_highest - input) & _mask) < _window;

    private void Advance(int input)
    {
        var ahead = (input - _highest) & _mask;
        if (ahead >= _window)
        {
            Array.Clear(_dropped);
            Array.Clear(_forwarded);
        }
        else
        {
            for (var i = 1; i <= ahead; i++)
            {
                Clear((_highest + i) & _mask);
            }
        }

        _highest = input;
    }

    private int CountDroppedAfter(int input)
    {
        var count = 0;
        var remaining = (_highest - input) & _mask;
        var behind = 0;
        while (remaining > 0)
        {
            var length = ChunkLength(behind, remaining, out var word, out var bits);
            count += BitOperations.PopCount(_dropped[word] & bits);
            behind += length;
            remaining -= length;
        }

        return count;
    }

    /// <summary>
    /// The inputs from <paramref name="behind"/> behind the newest downwards (at most <paramref name="limit"/>) that
    /// share one word of the bitmaps: how many, the word and the bits of that word.
    /// </summary>
    private int ChunkLength(int behind, int limit, out int word, out ulong bits)
    {
        var slot = Slot((_highest - behind) & _mask);
        var top = slot & 63;
        var length = Math.Min(top + 1, limit);
        word = slot >> 6;
        bits = (length == 64 ? ulong.MaxValue : (1UL << length) - 1) << (top + 1 - length);
        return length;
    }

    private int Slot(int input) => input & (_window - 1);

    private bool IsSet(ulong[] bits, int input)
    {
        var slot = Slot(input);
        return (bits[slot >> 6] & (1UL << (slot & 63))) != 0;
    }

    private void Set(ulong[] bits, int input)
    {
        var slot = Slot(input);
        bits[slot >> 6] |= 1UL << (slot & 63);
    }

    private void Clear(int input)
    {
        var slot = Slot(input);
        var bit = ~(1UL << (slot & 63));
        _dropped[slot >> 6] &= bit;
        _forwarded[slot >> 6] &= bit;
    }
}
