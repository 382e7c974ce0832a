using Parley.Media.Allocation;
using Parley.Media.Bwe;
using Parley.Media.Tests.Allocation;

namespace Parley.Media.Tests.Bwe.Simulation;

/// <summary>
/// The case in virtual time: one receiver consuming a three-layer simulcast camera (140/465/1,100 kbit/s)
/// behind a link that drops from 3 Mbit/s to 300 kbit/s and back. What is sent is the allocated layer's bitrate
/// (the sender is application-limited, so only probes find the link again).
/// </summary>
public class AllocatorOnSimulatedLinkTests
{
    private const long Second = 1_000_000;
    private const long AudioBitrate = 48_000;
    private const long High = 3_000_000;
    private const long Low = 300_000;
    private const long DropAt = 30 * Second;
    private const long RestoreAt = 50 * Second;
    private const long End = 130 * Second;
    private const long NoRestore = long.MaxValue;

    /// <summary>Seed, propagation delay and jitter of the links.</summary>
    public static TheoryData<int, long, long> Links => new()
    {
        { 1, 40_000, 0 },
        { 2, 25_000, 5_000 },
        { 3, 80_000, 2_000 },
    };

    /// <summary>Seed, propagation delay and jitter of the links behind which the receiver stalls.</summary>
    public static TheoryData<int, long, long> StarvedLinks => new()
    {
        { 1, 40_000, 0 },
        { 2, 25_000, 5_000 },
        { 3, 80_000, 2_000 },
        { 4, 40_000, 0 },
        { 5, 25_000, 5_000 },
    };

    [Theory]
    [MemberData(nameof(Links))]
    public void Layers_step_down_within_2_s_return_to_the_top_within_10_s_and_hold_still_in_steady_state(int seed, long delay, long jitter)
    {
        var (sim, allocator, consumer, camera) = Simulate(seed, delay, jitter);
        var top = new VideoLayer(2, 2);
        long fittedAt = -1, recoveredAt = -1;
        var switchesBeforeDrop = 0;
        var switchesAfterRecovery = 0;
        var reachedTop = false;

        RunStepAndRestore(sim, allocator, End, RestoreAt, (now, changed) =>
        {
            reachedTop |= consumer.Current == top;
            if (reachedTop && now > 10 * Second && now < DropAt)
            {
                switchesBeforeDrop += changed;
            }

            if (now > DropAt && fittedAt < 0 && camera[consumer.Current] + AudioBitrate <= Low && sim.Estimator.TargetBitrate <= Low)
            {
                fittedAt = now;
            }

            if (now > RestoreAt && recoveredAt < 0 && consumer.Current == top)
            {
                recoveredAt = now;
            }

            if (recoveredAt > 0 && now > recoveredAt + (5 * Second))
            {
                switchesAfterRecovery += changed;
            }
        });

        Assert.True(reachedTop, "the top layer was never reached at 3 Mbit/s");
        Assert.Equal(0, switchesBeforeDrop);
        Assert.InRange(fittedAt, DropAt, DropAt + (2 * Second));
        Assert.InRange(recoveredAt, RestoreAt, RestoreAt + (10 * Second));

        // At least a minute of steady state after the recovery: at most one switch a minute.
        Assert.True(End - (recoveredAt + (5 * Second)) >= 60 * Second);
        Assert.InRange(switchesAfterRecovery, 0, 1);
    }

    /// <summary>
    /// Behind 300 kbit/s the lowest layer sends about half the link: nothing overuses it, so only the increase cap
    /// (1.5 × what the media got through) keeps the estimate from climbing; the probes the allocator's wish sets off
    /// every few seconds must not lift that cap (they ratcheted the estimate to 135 % of the link in 30 s).
    /// </summary>
    [Theory]
    [MemberData(nameof(Links))]
    public void An_application_limited_sender_behind_300_kbits_keeps_its_estimate_under_the_link(int seed, long delay, long jitter)
    {
        var (sim, allocator, consumer, camera) = Simulate(seed, delay, jitter);
        var samples = 0;
        var over = 0;
        double sum = 0;
        RunStepAndRestore(sim, allocator, DropAt + (40 * Second), NoRestore, (now, _) =>
        {
            if (now >= DropAt + (10 * Second))
            {
                samples++;
                sum += sim.Estimator.TargetBitrate;
                over += sim.Estimator.TargetBitrate > Low * 1.1 ? 1 : 0;
            }
        });

        // The bench's figure: the mean estimate against the link (107 % in the browser before the fix).
        Assert.True(sum / samples <= Low * 1.03, $"the mean estimate {sum / samples:F0} above the 300 kbit/s link");
        Assert.True(over <= samples / 5, $"the estimate above 110 % of the link in {over} of {samples} samples");
    }

    /// <summary>
    /// The browser bench's receiver on a loaded machine: its network thread stalls now and then and stamps what
    /// arrived meanwhile in one batch, so a probe cluster at twice the estimate sometimes reads faster than the
    /// 300 kbit/s link carried it (103–124 % of the link in the bench's samples). Such a result must not lift the
    /// estimate over the link's known capacity: the allocator raised a layer on it, the link overflowed and the
    /// picture froze.
    /// </summary>
    [Theory]
    [MemberData(nameof(StarvedLinks))]
    public void Probes_a_starved_receiver_stamps_in_batches_do_not_lift_the_estimate_over_a_300_kbits_link(int seed, long delay, long jitter)
    {
        var (sim, allocator, _, _) = Simulate(seed, delay, jitter, Starved(seed));
        var samples = 0;
        var over = 0;
        long highest = 0;
        RunStepAndRestore(sim, allocator, DropAt + (40 * Second), NoRestore, (now, _) =>
        {
            if (now >= DropAt + (5 * Second))
            {
                samples++;
                over += sim.Estimator.TargetBitrate > Low * 1.05 ? 1 : 0;
                highest = Math.Max(highest, sim.Estimator.TargetBitrate);
            }
        });

        Assert.True(over <= samples / 20, $"the estimate above 105 % of the link in {over} of {samples} samples (highest {highest})");
        Assert.True(highest <= Low * 1.15, $"the estimate reached {highest} at the 300 kbit/s link");
    }

    /// <summary>
    /// The other side of holding probe results at the link's known capacity: a link restored to 3 Mbit/s reads high
    /// on every probe, so two in a row confirm it and the top layer is back within 10 s, even through a receiver that
    /// stamps in batches (whose stalls also spoil whole clusters).
    /// </summary>
    [Theory]
    [MemberData(nameof(StarvedLinks))]
    public void Through_a_starved_receiver_a_restored_link_brings_the_top_layer_back_within_10_s(int seed, long delay, long jitter)
    {
        var (sim, allocator, consumer, _) = Simulate(seed, delay, jitter, Starved(seed));
        long recoveredAt = -1;
        RunStepAndRestore(sim, allocator, RestoreAt + (15 * Second), RestoreAt, (now, _) =>
        {
            if (now > RestoreAt && recoveredAt < 0 && consumer.Current == new VideoLayer(2, 2))
            {
                recoveredAt = now;
            }
        });

        Assert.InRange(recoveredAt, RestoreAt, RestoreAt + (10 * Second));
    }

    /// <summary>
    /// 3 Mbit/s → 300 kbit/s fills the link's queue; the first cut (0.85 × what got through lately, still partly from
    /// before the fall) leaves room for the middle layer at its base temporal layer, the next a few hundred ms later
    /// does not. Without the drain reserve (<see cref="SendSideBandwidthEstimator.QueueDrainBitrate"/>) the camera went
    /// 2 → 1 → 0 within 0.4 s: the middle layer's keyframe was asked for and never shown, and the lowest layer's was
    /// asked for 0.1–0.3 s later (the browser bench: the 320 px picture at 1.0–1.2 s after the fall).
    /// </summary>
    [Theory]
    [MemberData(nameof(Links))]
    public void A_collapse_takes_the_camera_down_in_one_spatial_step(int seed, long delay, long jitter)
    {
        var (sim, allocator, consumer, _) = Simulate(seed, delay, jitter);
        var changes = new List<(long At, VideoLayer Layer)>();
        RunStepAndRestore(sim, allocator, DropAt + (3 * Second), NoRestore, (now, changed) =>
        {
            if (now >= DropAt && changed > 0)
            {
                changes.Add((now - DropAt, consumer.Current));
            }
        });

        var trace = string.Join(", ", changes.Select(c => $"{c.At / 1000} ms: {c.Layer.Spatial}/{c.Layer.Temporal}"));
        Assert.NotEmpty(changes);
        Assert.True(changes[0].Layer.Spatial == 0, $"the first step down went to spatial layer {changes[0].Layer.Spatial}: {trace}");
        Assert.True(changes.All(c => c.Layer.Spatial == 0), $"the spatial layer changed again: {trace}");
    }

    // The link at 3 Mbit/s, 300 kbit/s from DropAt, 3 Mbit/s again from restoreAt; every 100 ms the allocator shares
    // the estimate and sample gets the time and the layer changes that allocation made.
    private static void RunStepAndRestore(BweSimulation sim, BitrateAllocator allocator, long until, long restoreAt, Action<long, int> sample) =>
        sim.RunUntil(until, s =>
        {
            if (s.Now == DropAt)
            {
                s.Link.CapacityBitsPerSecond = Low;
            }

            if (s.Now == restoreAt)
            {
                s.Link.CapacityBitsPerSecond = High;
            }

            if (s.Now % 100_000 != 0)
            {
                return;
            }

            var changed = allocator.Allocate(s.Estimator.TargetBitrate, AudioBitrate, s.Now, s.Estimator.QueueDrainBitrate(s.Now));
            s.DesiredBitrate = allocator.DesiredBitrate(AudioBitrate);
            sample(s.Now, changed);
        });

    // One receiver of the camera behind a 3 Mbit/s link: it sends what the allocator gives it.
    private static (BweSimulation Sim, BitrateAllocator Allocator, AllocatedConsumer Consumer, LayerBitrates Camera) Simulate(int seed, long delay, long jitter, StarvedReceiverClock? receiverClock = null)
    {
        var link = new SimulatedLink(High, delay, queueLimitBytes: 40_000, seed) { JitterMicroseconds = jitter };
        var allocator = new BitrateAllocator(AllocatorOptions.Default);
        var camera = BitrateAllocatorTests.Camera();
        var consumer = new AllocatedConsumer(1, camera, ConsumerPriority.Other);
        allocator.Add(consumer);
        var sim = new BweSimulation(link, BandwidthEstimatorOptions.Default, _ => consumer.Paused ? 0 : camera[consumer.Current]) { ReceiverClock = receiverClock };
        return (sim, allocator, consumer, camera);
    }

    // Stalls of 10–60 ms, one every 400 ms on average.
    private static StarvedReceiverClock Starved(int seed) => new(seed + 100, 400_000, 10_000, 60_000);
}
