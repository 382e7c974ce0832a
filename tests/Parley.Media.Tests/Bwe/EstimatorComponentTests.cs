using Parley.Media.Bwe;

namespace Parley.Media.Tests.Bwe;

public class EstimatorComponentTests
{
    [Fact]
    public void Inter_arrival_groups_packets_sent_within_5_ms_and_reports_group_deltas()
    {
        var grouper = new InterArrivalGrouper();
        Assert.False(grouper.TryAdd(0, 100_000, 1000, out _, out _));
        Assert.False(grouper.TryAdd(2_000, 102_000, 1000, out _, out _));
        Assert.False(grouper.TryAdd(10_000, 111_000, 1000, out _, out _)); // second group starts
        Assert.False(grouper.TryAdd(12_000, 113_500, 1000, out _, out _));

        Assert.True(grouper.TryAdd(20_000, 121_000, 1000, out var sendDelta, out var arrivalDelta)); // third starts

        Assert.Equal(12_000 - 2_000, sendDelta);
        Assert.Equal(113_500 - 102_000, arrivalDelta);
    }

    [Fact]
    public void Inter_arrival_folds_a_burst_arriving_after_a_queue_drains_into_the_group()
    {
        var grouper = new InterArrivalGrouper();
        grouper.TryAdd(0, 100_000, 1000, out _, out _);
        // Sent 20 ms later but arriving 1 ms after the previous: a queue released it; same group.
        Assert.False(grouper.TryAdd(20_000, 101_000, 1000, out _, out _));
        Assert.False(grouper.TryAdd(40_000, 140_000, 1000, out _, out _));
        Assert.True(grouper.TryAdd(60_000, 160_000, 1000, out var sendDelta, out _));
        Assert.Equal(40_000 - 20_000, sendDelta);
    }

    [Fact]
    public void Trendline_and_detector_report_overuse_for_a_growing_delay_and_underuse_for_a_shrinking_one()
    {
        Assert.Equal(BandwidthUsage.Overusing, Feed(delayGrowthPerGroup: 2_000));
        Assert.Equal(BandwidthUsage.Underusing, Feed(delayGrowthPerGroup: -2_000));
        Assert.Equal(BandwidthUsage.Normal, Feed(delayGrowthPerGroup: 0));
    }

    [Fact]
    public void Detector_threshold_adapts_towards_the_trend_within_bounds()
    {
        var detector = new OveruseDetector();
        for (var i = 0; i < 1000; i++)
        {
            detector.Detect(0, 100, 5_000, i * 5_000L);
        }

        Assert.Equal(6, detector.ThresholdMs, 3);
    }

    [Fact]
    public void Aimd_decreases_to_085_of_acknowledged_on_overuse_holds_on_underuse_then_increases_additively()
    {
        var aimd = new AimdRateController(1_000_000, 10_000, 10_000_000);

        Assert.Equal(850_000, aimd.Update(BandwidthUsage.Overusing, 1_000_000, 0));
        Assert.Equal(850_000, aimd.Update(BandwidthUsage.Underusing, 1_000_000, 100_000));
        var increased = aimd.Update(BandwidthUsage.Normal, 1_000_000, 1_100_000);
        Assert.True(increased > 850_000);
        Assert.True(increased < 850_000 * 1.08, "near the link's known capacity the increase is additive");
    }

    [Fact]
    public void Aimd_grows_about_8_percent_a_second_far_from_a_known_capacity_and_not_past_15x_acknowledged()
    {
        var aimd = new AimdRateController(1_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Normal, 2_000_000, 0);

        Assert.InRange(aimd.Update(BandwidthUsage.Normal, 2_000_000, 1_000_000), 1_079_000, 1_081_000);
        Assert.Equal(1_080_000, aimd.Update(BandwidthUsage.Normal, 100_000, 2_000_000));
    }

    [Fact]
    public void Aimd_holds_a_probe_result_at_the_known_capacity_until_a_later_cluster_confirms_it()
    {
        var aimd = new AimdRateController(1_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Overusing, 300_000, 0);
        Assert.Equal(255_000, aimd.Bitrate);
        Assert.Equal(300_000, aimd.LinkCapacity);

        // A cluster reads 690k through a link that overused at 300k: held at 300k, the next probe due soon; the same
        // cluster's next result neither confirms itself nor asks for another probe.
        Assert.True(aimd.OnProbeResult(new ProbeResult(690_000, 5), 1_000_000));
        Assert.Equal(300_000, aimd.Bitrate);
        Assert.False(aimd.OnProbeResult(new ProbeResult(690_000, 5), 1_050_000));
        Assert.Equal(300_000, aimd.Bitrate);

        // A later cluster reading 360k (the link, and arrivals a busy receiver stamped in a batch) confirms nothing.
        Assert.True(aimd.OnProbeResult(new ProbeResult(360_000, 6), 2_000_000));
        Assert.Equal(300_000, aimd.Bitrate);

        // One clearly above, but after the window: it waits for confirmation itself.
        Assert.True(aimd.OnProbeResult(new ProbeResult(690_000, 7), 1_000_000 + AimdRateController.ConfirmWindowMicroseconds + 1));
        Assert.Equal(300_000, aimd.Bitrate);

        // A second cluster clearly above within the window: the link has changed.
        Assert.False(aimd.OnProbeResult(new ProbeResult(680_000, 8), 7_000_000));
        Assert.Equal(680_000, aimd.Bitrate);
        Assert.Null(aimd.LinkCapacity);
        Assert.Equal(4, aimd.HeldProbeResults);
    }

    [Fact]
    public void Aimd_does_not_take_a_result_held_before_an_overuse_as_confirmed_by_one_after_it()
    {
        var aimd = new AimdRateController(1_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Overusing, 300_000, 0);
        aimd.OnProbeResult(new ProbeResult(600_000, 1), 1_000_000);
        aimd.Update(BandwidthUsage.Overusing, 290_000, 1_500_000);

        aimd.OnProbeResult(new ProbeResult(600_000, 2), 2_000_000);
        Assert.InRange(aimd.Bitrate, 250_000, 300_000);
        Assert.NotNull(aimd.LinkCapacity);
    }

    [Fact]
    public void Aimd_replaces_the_link_capacity_with_an_overuse_far_under_it()
    {
        var aimd = new AimdRateController(1_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Overusing, 1_000_000, 0);
        Assert.Equal(1_000_000, aimd.LinkCapacity);

        // The link stepped down to 300k: averaged in at 5 %, the capacity would stay near 965k.
        aimd.Update(BandwidthUsage.Overusing, 300_000, 1_000_000);
        Assert.Equal(300_000, aimd.LinkCapacity);

        // An overuse near it is averaged in.
        aimd.Update(BandwidthUsage.Overusing, 320_000, 2_000_000);
        Assert.Equal(301_000, aimd.LinkCapacity);
    }

    [Fact]
    public void Aimd_takes_an_overuse_right_after_a_saturated_probe_as_the_probes_queue_measured_by_the_probe()
    {
        var aimd = new AimdRateController(1_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Overusing, 800_000, 0);
        Assert.Equal(680_000, aimd.Bitrate);

        // A probe at twice the estimate saturated the link and read 760k; the overuse 300 ms later is its queue: the
        // rate is not cut to 0.85 × the media's 550k, and the probe's reading is the capacity's sample.
        aimd.OnSaturatedProbe(760_000, 1, 5_000_000);
        Assert.True(aimd.FollowsSaturatedProbe(5_300_000));
        aimd.OnProbeOveruse(5_300_000, 550_000);

        // The same probe's queue overusing in the next feedback is no second sample.
        aimd.OnProbeOveruse(5_350_000, 550_000);
        Assert.Equal(680_000, aimd.Bitrate);
        Assert.InRange(aimd.LinkCapacity!.Value, 797_000, 799_000);
        Assert.Equal(2, aimd.ProbeOveruses);
        Assert.Equal(1, aimd.Decreases);

        // A saturated reading under the rate caps it there.
        aimd.OnSaturatedProbe(500_000, 2, 8_000_000);
        aimd.OnProbeOveruse(8_100_000, 450_000);
        Assert.Equal(500_000, aimd.Bitrate);
        Assert.Equal(500_000, aimd.LinkCapacity);

        // Later than 500 ms after the result, an overuse is the media's again.
        Assert.False(aimd.FollowsSaturatedProbe(8_000_000 + AimdRateController.ProbeOveruseWindowMicroseconds + 1));

        // A reading under what the link demonstrably carried counts as that.
        aimd.OnSaturatedProbe(300_000, 3, 9_000_000);
        aimd.OnProbeOveruse(9_100_000, 450_000);
        Assert.Equal(450_000, aimd.LinkCapacity);
        Assert.Equal(450_000, aimd.Bitrate);
    }

    [Fact]
    public void Aimd_ignores_a_saturated_probe_reading_above_the_capacitys_upper_bound_as_a_sample()
    {
        var aimd = new AimdRateController(1_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Overusing, 800_000, 0);
        aimd.OnSaturatedProbe(1_200_000, 1, 1_000_000);
        aimd.OnProbeOveruse(1_100_000, 600_000);

        Assert.Equal(800_000, aimd.LinkCapacity);
        Assert.Equal(680_000, aimd.Bitrate);
    }

    [Fact]
    public void Aimd_replaces_a_capacity_the_media_got_past_instead_of_dropping_it()
    {
        var aimd = new AimdRateController(1_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Overusing, 546_000, 0);
        Assert.Equal(546_000, aimd.LinkCapacity);

        // The media got 650k through: the link carries that much, and the increase stays bounded near it.
        aimd.Update(BandwidthUsage.Normal, 650_000, 500_000, 650_000);
        aimd.Update(BandwidthUsage.Normal, 650_000, 1_000_000, 650_000);
        Assert.Equal(650_000, aimd.LinkCapacity);
        Assert.True(aimd.Bitrate <= aimd.LinkCapacityUpperBound);
    }

    [Fact]
    public void Aimd_raises_a_capacity_sampled_low_when_two_saturated_probes_agree_above_it()
    {
        var aimd = new AimdRateController(2_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Overusing, 1_030_000, 0);
        Assert.Equal(875_500, aimd.Bitrate);

        // One saturated reading above the capacity's upper bound is held.
        aimd.OnSaturatedProbe(1_400_000, 3, 1_000_000);
        Assert.Equal(1_030_000, aimd.LinkCapacity);

        // One from the same cluster, or one that disagrees by more than 15 %, confirms nothing.
        aimd.OnSaturatedProbe(1_450_000, 3, 1_100_000);
        Assert.Equal(1_030_000, aimd.LinkCapacity);
        aimd.OnSaturatedProbe(1_750_000, 4, 2_000_000);
        Assert.Equal(1_030_000, aimd.LinkCapacity);
        Assert.Equal(0, aimd.SaturatedConfirmations);

        // A later cluster agreeing with the last one: the link carries the lower of the two.
        aimd.OnSaturatedProbe(1_600_000, 5, 3_000_000);
        Assert.Equal(1_600_000, aimd.LinkCapacity);
        Assert.Equal(1_600_000, aimd.Bitrate);
        Assert.Equal(1, aimd.SaturatedConfirmations);
    }

    [Fact]
    public void Aimd_does_not_confirm_saturated_readings_across_an_overuse_or_after_5_s()
    {
        var aimd = new AimdRateController(2_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Overusing, 1_000_000, 0);
        aimd.OnSaturatedProbe(1_400_000, 1, 1_000_000);
        aimd.Update(BandwidthUsage.Overusing, 1_000_000, 1_500_000);
        aimd.OnSaturatedProbe(1_400_000, 2, 2_000_000);
        Assert.Equal(1_000_000, aimd.LinkCapacity);

        aimd.OnSaturatedProbe(1_400_000, 3, 2_000_000 + AimdRateController.ConfirmWindowMicroseconds + 1);
        Assert.Equal(1_000_000, aimd.LinkCapacity);
        Assert.Equal(0, aimd.SaturatedConfirmations);
    }

    [Fact]
    public void A_reset_capacity_forgets_the_spread_of_its_old_samples()
    {
        var capacity = new LinkCapacityEstimator();
        capacity.OnOveruse(500_000);
        capacity.OnOveruse(900_000);
        capacity.OnOveruse(300_000);
        Assert.True(capacity.UpperBound - capacity.Estimate > 100_000, "spread samples widen the bound");

        capacity.Reset();
        capacity.OnOveruse(700_000);

        // Three deviations at the minimum normalised variance (0.4 in kbit/s): 3 × √(0.4 × 700) kbit/s ≈ 50 kbit/s.
        Assert.Equal(700_000 + (3 * Math.Sqrt(0.4 * 700) * 1000), capacity.UpperBound, 1);
    }

    [Fact]
    public void Aimd_takes_a_probe_result_in_full_while_the_link_capacity_is_unknown()
    {
        var aimd = new AimdRateController(300_000, 10_000, 10_000_000);

        Assert.False(aimd.OnProbeResult(new ProbeResult(900_000, 1), 1_000_000));
        Assert.Equal(900_000, aimd.Bitrate);
    }

    [Fact]
    public void Aimd_underuse_holds()
    {
        var aimd = new AimdRateController(1_000_000, 10_000, 10_000_000);
        aimd.Update(BandwidthUsage.Normal, 1_000_000, 0);
        Assert.Equal(1_000_000, aimd.Update(BandwidthUsage.Underusing, 1_000_000, 1_000_000));
    }

    [Theory]
    [InlineData(0, 20, true)]
    [InlineData(1, 100, true)]
    [InlineData(5, 100, false)]
    [InlineData(20, 100, false)]
    public void Loss_based_bound_grows_under_2_percent_holds_to_10_and_cuts_above(int lost, int expected, bool grows)
    {
        var loss = new LossBasedEstimator(1_000_000, 10_000, 10_000_000);
        loss.OnPackets(0, 20, 1_000_000, 0);
        loss.OnPackets(lost, expected, 1_000_000, 1_000_000);

        if (grows)
        {
            Assert.True(loss.Bound > 1_000_000);
        }
        else if (lost * 10 <= expected)
        {
            Assert.Equal(1_000_000, loss.Bound);
        }
        else
        {
            Assert.Equal((long)(1_000_000 * (1 - (lost / (double)expected / 2))), loss.Bound);
        }
    }

    [Fact]
    public void Loss_based_cuts_at_most_once_per_round_trip_plus_300_ms()
    {
        var loss = new LossBasedEstimator(1_000_000, 10_000, 10_000_000);
        loss.SetRoundTripTime(100_000);
        loss.OnPackets(50, 100, 1_000_000, 0);
        var cut = loss.Bound;
        loss.OnPackets(50, 100, cut, 200_000);
        Assert.Equal(cut, loss.Bound);
        loss.OnPackets(50, 100, cut, 400_000);
        Assert.True(loss.Bound < cut);
    }

    [Fact]
    public void Loss_based_waits_for_20_packets()
    {
        var loss = new LossBasedEstimator(1_000_000, 10_000, 10_000_000);
        loss.OnPackets(10, 19, 1_000_000, 0);
        Assert.Equal(1_000_000, loss.Bound);
        Assert.Equal(0, loss.LossFraction);
    }

    [Fact]
    public void Acknowledged_bitrate_counts_bytes_over_the_arrival_window()
    {
        var acknowledged = new AcknowledgedBitrateEstimator();
        Assert.Equal(0, acknowledged.Bitrate);
        for (var t = 0L; t < 1_000_000; t += 10_000)
        {
            acknowledged.OnReceived(t + 5_000_000, 1250); // 1 Mbit/s
        }

        Assert.InRange(acknowledged.Bitrate, 950_000, 1_050_000);
    }

    [Fact]
    public void Probe_result_is_the_rate_sent_when_the_link_carries_it()
    {
        var evaluator = new ProbeResultEvaluator();
        var cluster = ProbeCluster.For(1, 2_000_000);
        evaluator.OnClusterStarted(cluster);
        long result = 0;
        for (var i = 0; i < 6; i++)
        {
            // 1000 bytes every 4 ms = 2 Mbit/s, arriving at the same spacing.
            result = evaluator.OnPacket(new PacketResult(i, i * 4_000, 50_000 + (i * 4_000), 1000, 1));
        }

        Assert.InRange(result, 1_990_000, 2_010_000);
    }

    [Fact]
    public void Probe_result_is_near_the_receive_rate_when_the_link_is_saturated()
    {
        var evaluator = new ProbeResultEvaluator();
        evaluator.OnClusterStarted(ProbeCluster.For(2, 2_000_000));
        long result = 0;
        for (var i = 0; i < 6; i++)
        {
            // Sent at 2 Mbit/s, arriving at 1 Mbit/s.
            result = evaluator.OnPacket(new PacketResult(i, i * 4_000, 50_000 + (i * 8_000), 1000, 2));
        }

        Assert.InRange(result, 940_000, 960_000);
    }

    [Fact]
    public void A_saturated_probe_result_says_so_and_an_unsaturated_one_does_not()
    {
        var evaluator = new ProbeResultEvaluator();
        evaluator.OnClusterStarted(ProbeCluster.For(2, 2_000_000));
        for (var i = 0; i < 6; i++)
        {
            evaluator.OnPacket(new PacketResult(i, i * 4_000, 50_000 + (i * 8_000), 1000, 2));
        }

        Assert.True(evaluator.LastResultSaturated);

        evaluator.OnClusterStarted(ProbeCluster.For(3, 1_000_000));
        long result = 0;
        for (var i = 0; i < 6; i++)
        {
            result = evaluator.OnPacket(new PacketResult(10 + i, i * 8_000, 50_000 + (i * 8_000), 1000, 3));
        }

        Assert.True(result > 0);
        Assert.False(evaluator.LastResultSaturated);
    }

    [Fact]
    public void A_probe_split_by_a_receiver_stall_gives_no_result_instead_of_a_saturated_one()
    {
        var evaluator = new ProbeResultEvaluator();
        evaluator.OnClusterStarted(ProbeCluster.For(5, 1_000_000));
        long result = 0;
        for (var i = 0; i < 6; i++)
        {
            // Sent at 1 Mbit/s on a faster link: the first two stamped on time, the rest together after a 60 ms stall.
            var arrival = i < 2 ? 50_000 + (i * 8_000) : 118_000 + (i * 200);
            result = Math.Max(result, evaluator.OnPacket(new PacketResult(i, i * 8_000, arrival, 1000, 5)));
        }

        Assert.Equal(0, result);
        Assert.True(evaluator.Invalid > 0);

        // The same rate through a link spaced evenly, a media packet's gap in the middle, is a saturated result.
        evaluator.OnClusterStarted(ProbeCluster.For(6, 1_000_000));
        var invalid = evaluator.Invalid;
        for (var i = 0; i < 6; i++)
        {
            var arrival = 50_000 + (i * 16_000) + (i >= 3 ? 16_000 : 0);
            result = evaluator.OnPacket(new PacketResult(20 + i, i * 8_000, arrival, 1000, 6));
        }

        // 5 kB over 96 ms, at the saturated utilisation of 95 %.
        Assert.InRange(result, 390_000, 400_000);
        Assert.True(evaluator.LastResultSaturated);
        Assert.Equal(invalid, evaluator.Invalid);
    }

    [Fact]
    public void A_probe_received_over_twice_as_fast_as_it_was_sent_gives_no_result()
    {
        var evaluator = new ProbeResultEvaluator();
        evaluator.OnClusterStarted(ProbeCluster.For(4, 1_000_000));
        long result = 0;
        for (var i = 0; i < 6; i++)
        {
            // Sent at 1 Mbit/s (1000 bytes every 8 ms), stamped 1 ms apart on arrival: a receiver that read a batch late.
            result = Math.Max(result, evaluator.OnPacket(new PacketResult(i, i * 8_000, 50_000 + (i * 1_000), 1000, 4)));
        }

        Assert.Equal(0, result);
        Assert.True(evaluator.Invalid > 0);
    }

    [Fact]
    public void A_probe_sent_in_a_burst_finds_no_more_than_its_target()
    {
        // The pacer let the cluster out in a burst (1200 bytes every 0.2 ms); the receiver stamped the packets 12 ms
        // apart (800 kbit/s: a late batch through a 300 kbit/s bottleneck). Under twice the burst's rate, so not
        // refused as received too fast, but a 400 kbit/s probe cannot show more than 400 kbit/s.
        var evaluator = new ProbeResultEvaluator();
        evaluator.OnClusterStarted(ProbeCluster.For(5, 400_000));
        long result = 0;
        for (var i = 0; i < 6; i++)
        {
            result = Math.Max(result, evaluator.OnPacket(new PacketResult(i, i * 200, 50_000 + (i * 12_000), 1200, 5)));
        }

        Assert.InRange(result, 1, 400_000);
    }

    [Fact]
    public void Probe_packets_of_an_unknown_cluster_or_lost_are_ignored()
    {
        var evaluator = new ProbeResultEvaluator();
        evaluator.OnClusterStarted(ProbeCluster.For(3, 2_000_000));
        Assert.Equal(0, evaluator.OnPacket(new PacketResult(0, 0, 0, 1000, 9)));
        Assert.Equal(0, evaluator.OnPacket(new PacketResult(0, 0, PacketResult.NotReceived, 1000, 3)));
    }

    [Fact]
    public void A_probe_that_lifts_the_estimate_past_the_known_link_capacity_is_followed_only_after_1_s()
    {
        var controller = StartedProbeController(500_000, 3_000_000);

        // The start probes succeed within the link's known capacity: the next probe follows at once.
        controller.OnEstimate(2_200_000, 100_000, linkCapacityUpperBound: 2_500_000);
        Assert.True(controller.TryTake(out var within));
        Assert.Equal(3_000_000, within.TargetBitrate);

        // That one takes the estimate over the capacity (where overuse was seen): no further probe for 1 s.
        controller.OnEstimate(2_800_000, 200_000, linkCapacityUpperBound: 2_500_000);
        Assert.False(controller.TryTake(out _));
        controller.OnEstimate(2_800_000, 1_100_000, linkCapacityUpperBound: 2_500_000);
        Assert.False(controller.TryTake(out _));
        controller.OnEstimate(2_800_000, 1_200_000, linkCapacityUpperBound: 2_500_000);
        Assert.True(controller.TryTake(out var after));
        Assert.Equal(3_500_000, after.TargetBitrate);
    }

    [Fact]
    public void A_probe_result_held_at_the_known_capacity_is_followed_after_1_s_whatever_the_backoff()
    {
        var controller = StartedProbeController(300_000, 3_000_000);

        // Failed probes back the retries off to 4 s.
        long now = 0;
        for (var i = 0; i < 4; i++)
        {
            controller.OnEstimate(300_000, now);
            controller.TryTake(out _);
            now += 5_000_000;
        }

        controller.OnEstimate(300_000, now);
        Assert.True(controller.TryTake(out _));
        controller.OnInconclusiveResult(now + 100_000);
        controller.OnEstimate(330_000, now + 1_000_000);
        Assert.False(controller.TryTake(out _));
        controller.OnEstimate(330_000, now + 1_100_000);
        Assert.True(controller.TryTake(out var confirming));
        Assert.Equal(660_000, confirming.TargetBitrate);
    }

    [Fact]
    public void Probe_controller_plans_start_probes_then_probes_towards_the_desired_rate_with_backoff()
    {
        var controller = new ProbeController(10_000_000);
        controller.OnStart(500_000, 0);
        Assert.True(controller.TryTake(out var first));
        Assert.True(controller.TryTake(out var second));
        Assert.Equal([1_500_000L, 3_000_000], [first.TargetBitrate, second.TargetBitrate]);
        Assert.False(controller.TryTake(out _));

        // The start probes fail (estimate stays at 500k): after the 1 s timeout, wait 1 s, then probe at 2× estimate.
        controller.SetDesiredBitrate(2_000_000);
        controller.OnEstimate(500_000, 1_000_000);
        controller.OnEstimate(500_000, 1_500_000);
        Assert.False(controller.TryTake(out _));
        controller.OnEstimate(500_000, 2_000_000);
        Assert.True(controller.TryTake(out var third));
        Assert.Equal(1_000_000, third.TargetBitrate);

        // It works: the next one follows at once.
        controller.OnEstimate(900_000, 2_100_000);
        Assert.True(controller.TryTake(out var fourth));
        Assert.Equal(1_800_000, fourth.TargetBitrate);
    }

    [Fact]
    public void Probe_controller_does_not_probe_when_the_estimate_covers_the_wish()
    {
        var controller = new ProbeController(10_000_000);
        controller.SetDesiredBitrate(400_000);
        controller.OnEstimate(500_000, 10_000_000);
        Assert.False(controller.TryTake(out _));
    }

    [Fact]
    public void Remb_caps_the_target()
    {
        var estimator = new SendSideBandwidthEstimator(BandwidthEstimatorOptions.Default, 0);
        estimator.OnRemb(250_000, 0);
        Assert.Equal(250_000, estimator.TargetBitrate);
        estimator.OnRemb(ulong.MaxValue, 0);
        Assert.Equal(BandwidthEstimatorOptions.Default.StartBitrate, estimator.TargetBitrate);
    }

    [Fact]
    public void Target_stays_within_the_configured_bounds()
    {
        var estimator = new SendSideBandwidthEstimator(new BandwidthEstimatorOptions(100_000, 50_000, 200_000), 0);
        estimator.OnRemb(1_000, 0);
        Assert.Equal(50_000, estimator.TargetBitrate);
    }

    [Fact]
    public void Overuse_while_only_audio_is_sent_keeps_the_estimate_instead_of_cutting_it_to_the_audio_rate()
    {
        // Video paused: 120-byte audio packets every 20 ms (48 kbit/s) whose delay grows 2 ms each. The acknowledged
        // rate is the audio's; an overuse then says nothing about what the path carries at the estimate.
        var estimator = new SendSideBandwidthEstimator(BandwidthEstimatorOptions.Default, 0);
        var before = estimator.TargetBitrate;
        var sawOveruse = false;
        ushort sequence = 0;
        for (var feedbackIndex = 0; feedbackIndex < 30; feedbackIndex++)
        {
            var arrivals = new Parley.Media.Rtcp.TransportCcArrival[5];
            for (var i = 0; i < arrivals.Length; i++)
            {
                long send = sequence * 20_000L;
                estimator.OnPacketSent(sequence, send, 120);
                arrivals[i] = new Parley.Media.Rtcp.TransportCcArrival(sequence, send + 40_000 + (sequence * 2_000L));
                sequence++;
            }

            estimator.OnTransportFeedback(FeedbackBuilder.Parse(FeedbackBuilder.Build(arrivals)), sequence * 20_000L + 60_000);
            sawOveruse |= estimator.Usage == BandwidthUsage.Overusing;
        }

        Assert.True(sawOveruse, "the growing delay reads as overuse");
        Assert.True(estimator.AcknowledgedBitrate < before / 4, $"acknowledged {estimator.AcknowledgedBitrate}");
        Assert.True(estimator.TargetBitrate >= before * 0.85, $"{estimator.TargetBitrate} after {before}");
    }

    [Fact]
    public void Sending_and_processing_feedback_allocate_nothing()
    {
        var estimator = new SendSideBandwidthEstimator(BandwidthEstimatorOptions.Default, 0);
        var arrivals = Enumerable.Range(0, 50).Select(i => new Parley.Media.Rtcp.TransportCcArrival((ushort)i, i * 1_000)).ToArray();
        var packet = FeedbackBuilder.Build(arrivals);
        ushort next = 0;
        long now = 0;

        var allocated = AllocationMeter.LeastPerRound(
            () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    estimator.OnPacketSent(next++, now + (i * 1_000), 1_000);
                }

                Parley.Media.Rtcp.RtcpTransportFeedback.TryParse(packet, out var feedback);
                now += 50_000;
                estimator.OnTransportFeedback(feedback, now);
                estimator.TryTakeProbeCluster(out _);
            },
            warmUp: 10,
            perRound: 20);

        Assert.Equal(0, allocated);
    }

    private static BandwidthUsage Feed(long delayGrowthPerGroup)
    {
        var trendline = new TrendlineEstimator();
        var detector = new OveruseDetector();
        var usage = BandwidthUsage.Normal;
        long arrival = 0;
        for (var i = 0; i < 60; i++)
        {
            arrival += 10_000 + delayGrowthPerGroup;
            trendline.Update(10_000, 10_000 + delayGrowthPerGroup, arrival);
            var reading = detector.Detect(trendline.Trend, trendline.DeltaCount, 10_000, arrival);
            usage = reading == BandwidthUsage.Normal ? usage : reading;
        }

        return delayGrowthPerGroup == 0 ? detector.State : usage;
    }

    // A controller whose two start clusters have gone out, wishing for desired.
    private static ProbeController StartedProbeController(long start, long desired)
    {
        var controller = new ProbeController(10_000_000);
        controller.OnStart(start, 0);
        controller.TryTake(out _);
        controller.TryTake(out _);
        controller.SetDesiredBitrate(desired);
        return controller;
    }
}
