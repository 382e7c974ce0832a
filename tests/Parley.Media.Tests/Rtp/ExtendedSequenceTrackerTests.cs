using Parley.Media.Rtp;

namespace Parley.Media.Tests.Rtp;

public class ExtendedSequenceTrackerTests
{
    [Fact]
    public void Needs_two_sequential_packets_before_the_source_is_valid()
    {
        var tracker = new ExtendedSequenceTracker();

        Assert.False(tracker.Update(1000));
        Assert.False(tracker.IsValid);
        Assert.True(tracker.Update(1001));
        Assert.True(tracker.IsValid);
        Assert.Equal(1001u, tracker.ExtendedHighest);
        Assert.Equal(1001u, tracker.ExtendedBase);
    }

    [Fact]
    public void Counts_cycles_across_the_wrap()
    {
        var tracker = Started(65534);

        Assert.True(tracker.Update(65535));
        Assert.True(tracker.Update(0));
        Assert.True(tracker.Update(1));

        Assert.Equal(1u, tracker.Cycles);
        Assert.Equal(65536u + 1, tracker.ExtendedHighest);
        Assert.Equal(65535, tracker.Extend(65535));
        Assert.Equal(65536 + 3, tracker.Extend(3));
    }

    [Fact]
    public void Late_and_duplicate_packets_count_but_do_not_move_the_highest()
    {
        var tracker = Started(500);
        Assert.True(tracker.Update(510));

        Assert.True(tracker.Update(505));
        Assert.True(tracker.Update(510));

        Assert.Equal(510u, tracker.ExtendedHighest);
    }

    [Fact]
    public void A_large_jump_is_followed_only_when_the_next_packet_confirms_it()
    {
        var tracker = Started(100);

        Assert.False(tracker.Update(40000));
        Assert.Equal(101u, tracker.ExtendedHighest);
        Assert.True(tracker.Update(40001));
        Assert.Equal(40001u, tracker.ExtendedHighest);
        Assert.Equal(40001u, tracker.ExtendedBase);
    }

    [Fact]
    public void A_single_stray_jump_is_ignored()
    {
        var tracker = Started(100);

        Assert.False(tracker.Update(40000));
        Assert.True(tracker.Update(102));

        Assert.Equal(102u, tracker.ExtendedHighest);
    }

    [Fact]
    public void Restarts_probation_when_the_first_packets_are_not_sequential()
    {
        var tracker = new ExtendedSequenceTracker();

        Assert.False(tracker.Update(10));
        Assert.False(tracker.Update(20));
        Assert.True(tracker.Update(21));
        Assert.Equal(21u, tracker.ExtendedHighest);
    }

    private static ExtendedSequenceTracker Started(ushort first)
    {
        var tracker = new ExtendedSequenceTracker();
        tracker.Update((ushort)(first - 1));
        Assert.True(tracker.Update(first));
        Assert.True(tracker.Update((ushort)(first + 1)));
        return tracker;
    }
}
