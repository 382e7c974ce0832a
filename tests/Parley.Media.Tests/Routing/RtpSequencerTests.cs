using Parley.Media.Routing;

namespace Parley.Media.Tests.Routing;

public sealed class RtpSequencerTests
{
    [Fact]
    public void The_first_period_passes_sequence_numbers_and_timestamps_through()
    {
        var sequencer = new RtpSequencer(90000);
        Assert.True(sequencer.TryRewrite(500, 1000, 0, out var sequence, out var timestamp));
        Assert.Equal((500, 1000u), (sequence, timestamp));
        Assert.True(sequencer.TryRewrite(501, 4000, 33, out sequence, out timestamp));
        Assert.Equal((501, 4000u), (sequence, timestamp));
    }

    [Fact]
    public void A_new_period_continues_without_gap_and_advances_the_timestamp_by_the_wall_time_between()
    {
        var sequencer = new RtpSequencer(90000);
        sequencer.TryRewrite(65535, 4_294_960_000, 1000, out _, out _);

        sequencer.RequestSync();
        Assert.True(sequencer.TryRewrite(9000, 123, 1500, out var sequence, out var timestamp));
        Assert.Equal(0, sequence);
        Assert.Equal(unchecked(4_294_960_000u + 45_000u), timestamp);

        Assert.True(sequencer.TryRewrite(9001, 3123, 1533, out sequence, out timestamp));
        Assert.Equal(1, sequence);
        Assert.Equal(unchecked(4_294_960_000u + 48_000u), timestamp);
    }

    [Fact]
    public void An_immediate_resync_still_moves_the_timestamp_forward()
    {
        var sequencer = new RtpSequencer(48000);
        sequencer.TryRewrite(1, 1000, 10, out _, out _);
        sequencer.RequestSync();
        Assert.True(sequencer.TryRewrite(50, 1000, 10, out var sequence, out var timestamp));
        Assert.Equal(2, sequence);
        Assert.Equal(1001u, timestamp);
    }

    [Fact]
    public void Packets_from_before_the_sync_point_are_dropped_and_reordered_ones_after_it_pass()
    {
        var sequencer = new RtpSequencer(90000);
        sequencer.TryRewrite(10, 0, 0, out _, out _);
        sequencer.RequestSync();
        sequencer.TryRewrite(100, 0, 0, out _, out _);
        Assert.False(sequencer.TryRewrite(99, 0, 0, out _, out _));
        Assert.True(sequencer.TryRewrite(102, 0, 0, out var late, out _));
        Assert.True(sequencer.TryRewrite(101, 0, 0, out var reordered, out _));
        Assert.Equal(13, late);
        Assert.Equal(12, reordered);
        Assert.Equal(13, sequencer.HighestSequence);
    }

    [Fact]
    public void Sent_sequence_numbers_map_back_to_input_only_within_the_current_period()
    {
        var sequencer = new RtpSequencer(90000);
        sequencer.TryRewrite(10, 0, 0, out _, out _);
        sequencer.RequestSync();
        sequencer.TryRewrite(200, 0, 0, out _, out _);
        sequencer.TryRewrite(201, 0, 0, out _, out _);

        Assert.True(sequencer.TryMapBack(12, out var input));
        Assert.Equal(201, input);
        Assert.False(sequencer.TryMapBack(10, out _));
        Assert.False(sequencer.TryMapBack(13, out _));
    }

    [Fact]
    public void A_timestamp_hint_places_the_new_period_when_it_keeps_timestamps_rising_within_200_ms()
    {
        var sequencer = new RtpSequencer(90000);
        sequencer.TryRewrite(100, 10_000, 1000, out _, out _);

        sequencer.RequestSync(11_500);
        Assert.True(sequencer.TryRewrite(7, 555, 1010, out var sequence, out var timestamp));
        Assert.Equal((101, 11_500u), (sequence, timestamp));
        Assert.True(sequencer.TryRewrite(8, 3555, 1043, out _, out timestamp));
        Assert.Equal(14_500u, timestamp);

        // Behind what was sent: the wall-clock guess instead (10 ms = 900 ticks after the last packet).
        sequencer.RequestSync(14_000);
        Assert.True(sequencer.TryRewrite(40, 1, 1053, out _, out timestamp));
        Assert.Equal(15_400u, timestamp);

        // More than 200 ms ahead of that guess: not trusted either.
        sequencer.RequestSync(15_400 + 900 + 18_001);
        Assert.True(sequencer.TryRewrite(90, 1, 1063, out _, out timestamp));
        Assert.Equal(16_300u, timestamp);

        // A plain sync forgets an earlier hint.
        sequencer.RequestSync(20_000);
        sequencer.RequestSync();
        Assert.True(sequencer.TryRewrite(200, 1, 1063, out _, out timestamp));
        Assert.Equal(16_301u, timestamp);
    }
}
