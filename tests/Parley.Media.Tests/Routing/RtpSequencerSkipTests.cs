using FsCheck.Xunit;
using Parley.Media.Routing;

namespace Parley.Media.Tests.Routing;

/// <summary>Packets a consumer leaves out (temporal layers it filters) leave no hole in its sequence numbers.</summary>
public sealed class RtpSequencerSkipTests
{
    /// <summary>Skips <paramref name="sequence"/>; the number a padding packet must fill, or null when it closed up.</summary>
    private static ushort? Skip(RtpSequencer sequencer, ushort sequence) =>
        sequencer.Skip(sequence, 1000, out var fill, out _) ? fill : null;

    private static ushort Rewrite(RtpSequencer sequencer, ushort sequence)
    {
        Assert.True(sequencer.TryRewrite(sequence, 0, 0, out var output, out _), $"{sequence} must be forwarded");
        return output;
    }

    [Fact]
    public void Skipped_packets_leave_no_gap_and_never_map_back()
    {
        var sequencer = new RtpSequencer(90000);
        Assert.Equal(100, Rewrite(sequencer, 100));
        Assert.Null(Skip(sequencer, 101));
        Assert.Equal(101, Rewrite(sequencer, 102));
        Assert.Null(Skip(sequencer, 103));
        Assert.Null(Skip(sequencer, 104));
        Assert.Null(Skip(sequencer, 104)); // a duplicate of a skipped packet is not counted twice
        Assert.Equal(102, Rewrite(sequencer, 105));
        Assert.Equal(102, sequencer.HighestSequence);

        Assert.True(sequencer.TryMapBack(100, out var input));
        Assert.Equal(100, input);
        Assert.True(sequencer.TryMapBack(101, out input));
        Assert.Equal(102, input);
        Assert.True(sequencer.TryMapBack(102, out input));
        Assert.Equal(105, input);
        Assert.False(sequencer.TryMapBack(103, out _)); // not sent yet
        Assert.False(sequencer.TryMapBack(99, out _));  // before the first packet
    }

    [Fact]
    public void A_reordered_packet_after_a_skip_takes_the_number_kept_for_it()
    {
        var sequencer = new RtpSequencer(90000);
        Assert.Equal(100, Rewrite(sequencer, 100));
        Assert.Null(Skip(sequencer, 101));
        Assert.Equal(103, Rewrite(sequencer, 104)); // 102 and 103 are still on their way
        Assert.Equal(102, Rewrite(sequencer, 103));
        Assert.Null(Skip(sequencer, 105));
        Assert.Equal(101, Rewrite(sequencer, 102)); // the skip of 105 came after it: it keeps its number
        Assert.Equal(104, Rewrite(sequencer, 106));

        ushort[] expected = [100, 102, 103, 104, 106];
        for (var output = 0; output < expected.Length; output++)
        {
            Assert.True(sequencer.TryMapBack((ushort)(100 + output), out var input));
            Assert.Equal(expected[output], input);
        }
    }

    [Fact]
    public void A_late_skip_keeps_its_number_for_a_filler_that_maps_back_to_nothing()
    {
        var sequencer = new RtpSequencer(90000);
        Assert.Equal(100, Rewrite(sequencer, 100));
        Assert.Equal(102, Rewrite(sequencer, 102));
        Assert.True(sequencer.Skip(101, 7000, out var fill, out var fillTimestamp)); // 102 has its number: 101 keeps its own
        Assert.Equal((101, 7000u), (fill, fillTimestamp));
        Assert.Equal((ushort)101, Skip(sequencer, 101)); // a duplicate fills again
        Assert.Equal(103, Rewrite(sequencer, 103));

        Assert.False(sequencer.TryMapBack(101, out _)); // the filler is no packet to resend
        Assert.True(sequencer.TryMapBack(102, out var input));
        Assert.Equal(102, input);
    }

    [Fact]
    public void Packets_older_than_the_window_are_dropped()
    {
        var sequencer = new RtpSequencer(90000);
        Rewrite(sequencer, 0);
        Rewrite(sequencer, 2000);
        Assert.False(sequencer.TryRewrite(2000 - RtpSequencer.Window, 0, 0, out _, out _));
        Assert.Equal(2000 - RtpSequencer.Window + 1, Rewrite(sequencer, 2000 - RtpSequencer.Window + 1));
        Assert.False(sequencer.TryMapBack(0, out _));
    }

    [Fact]
    public void Skips_wrap_around_with_the_sequence_numbers_and_a_new_period_continues_after_them()
    {
        var sequencer = new RtpSequencer(90000);
        Assert.Equal(65534, Rewrite(sequencer, 65534));
        Assert.Null(Skip(sequencer, 65535));
        Assert.Null(Skip(sequencer, 0));
        Assert.Equal(65535, Rewrite(sequencer, 1));
        Assert.Null(Skip(sequencer, 2));

        sequencer.RequestSync();
        Assert.Null(Skip(sequencer, 40)); // before the new period's first packet: nothing to close up
        Assert.Equal(0, Rewrite(sequencer, 41));
        Assert.True(sequencer.TryMapBack(0, out var input));
        Assert.Equal(41, input);
        Assert.False(sequencer.TryMapBack(65535, out _)); // sent in the period before
    }

    /// <summary>
    /// Any pattern of skips and any reordering within a few packets: each packet forwarded gets its input number less
    /// the skips counted before it; a late skip keeps its number for a filler, which maps back to nothing; no number up
    /// to the newest is neither; every packet's number maps back to it.
    /// </summary>
    [Property(MaxTest = 200)]
    public bool Outputs_close_up_over_skips_and_map_back_under_reordering(int seed, ushort start)
    {
        var random = new Random(seed);
        const int count = 600;
        var dropped = Enumerable.Range(0, count).Select(i => i > 0 && random.Next(3) == 0).ToArray();
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = 1; i < count - 1; i++)
        {
            var j = Math.Min(count - 1, i + random.Next(6));
            (order[i], order[j]) = (order[j], order[i]);
        }

        var sequencer = new RtpSequencer(90000);
        var outputs = new Dictionary<int, ushort>();
        var fills = new Dictionary<int, ushort>();
        var counted = new bool[count];
        var highest = -1;
        foreach (var index in order)
        {
            var sequence = (ushort)(start + index);
            if (dropped[index])
            {
                counted[index] = index > highest;
                if (sequencer.Skip(sequence, 0, out var fill, out _))
                {
                    fills[index] = fill;
                }
            }
            else if (!sequencer.TryRewrite(sequence, 0, 0, out var output, out _))
            {
                return false;
            }
            else
            {
                outputs[index] = output;
            }

            highest = Math.Max(highest, index);
        }

        // Each packet's number is its input less the skips counted before it: a late skip is not counted, so it keeps
        // the number it would have had, for a filler.
        var countedBefore = 0;
        var slots = new Dictionary<int, bool>();
        for (var index = 0; index < count; index++)
        {
            var slot = index - countedBefore;
            if (dropped[index])
            {
                countedBefore += counted[index] ? 1 : 0;
                if (counted[index] == fills.ContainsKey(index) || (!counted[index] && fills[index] != (ushort)(start + slot)))
                {
                    return false;
                }

                if (!counted[index])
                {
                    slots[slot] = false;
                }

                continue;
            }

            slots[slot] = true;
            if (outputs[index] != (ushort)(start + slot) || !sequencer.TryMapBack((ushort)(start + slot), out var input)
                || input != (ushort)(start + index))
            {
                return false;
            }
        }

        var newest = slots.Where(s => s.Value).Max(s => s.Key);
        var holes = 0;
        for (var slot = 0; slot <= newest; slot++)
        {
            if (!slots.TryGetValue(slot, out var sent))
            {
                return false;
            }

            if (!sent)
            {
                holes++;
                if (sequencer.TryMapBack((ushort)(start + slot), out _))
                {
                    return false;
                }
            }
        }

        return (ushort)(start + newest) == sequencer.HighestSequence && holes <= fills.Count;
    }
}
