using Parley.Media.Bwe;

namespace Parley.Media.Tests.Bwe.Simulation;

/// <summary>
/// The estimator, pacer and feedback path against a simulated bottleneck, with an encoder that follows the target
/// (the hardest case for the estimator: nothing holds the sender back but the estimate). Virtual time; seeded.
/// </summary>
public class EstimatorOnSimulatedLinkTests
{
    private const long Second = 1_000_000;
    private const long High = 2_000_000;
    private const long Halved = 1_000_000;
    private const long AudioBitrate = 48_000;

    public static TheoryData<int, long, long> Links => new()
    {
        { 1, 40_000, 0 },
        { 2, 20_000, 0 },
        { 3, 80_000, 5_000 },
        { 4, 40_000, 10_000 },
    };

    [Theory]
    [MemberData(nameof(Links))]
    public void After_the_bottleneck_halves_the_estimate_fits_under_it_within_2_s(int seed, long delay, long jitter)
    {
        var sim = Simulate(seed, delay, jitter);
        long fittedAt = -1;
        sim.RunUntil(40 * Second, s =>
        {
            if (s.Now == 30 * Second)
            {
                s.Link.CapacityBitsPerSecond = Halved;
            }

            if (s.Now > 30 * Second && fittedAt < 0 && s.Estimator.TargetBitrate <= Halved)
            {
                fittedAt = s.Now;
            }
        });

        Assert.InRange(fittedAt, 30 * Second, 32 * Second);
    }

    [Theory]
    [MemberData(nameof(Links))]
    public void Once_fitted_the_estimate_stays_under_the_halved_bottleneck_most_of_the_time(int seed, long delay, long jitter)
    {
        var sim = Simulate(seed, delay, jitter);
        var samples = 0;
        var over = 0;
        sim.RunUntil(50 * Second, s =>
        {
            if (s.Now == 30 * Second)
            {
                s.Link.CapacityBitsPerSecond = Halved;
            }

            if (s.Now >= 32 * Second)
            {
                samples++;
                over += s.Estimator.TargetBitrate > Halved * 1.1 ? 1 : 0;
            }
        });

        Assert.True(over < samples / 10, $"{over} of {samples} ms above 110 % of the bottleneck");
    }

    [Theory]
    [MemberData(nameof(Links))]
    public void After_the_bottleneck_is_restored_the_estimate_recovers_within_10_s(int seed, long delay, long jitter)
    {
        var sim = Simulate(seed, delay, jitter);
        long recoveredAt = -1;
        sim.RunUntil(65 * Second, s =>
        {
            if (s.Now == 30 * Second)
            {
                s.Link.CapacityBitsPerSecond = Halved;
            }

            if (s.Now == 45 * Second)
            {
                s.Link.CapacityBitsPerSecond = High;
            }

            if (s.Now > 45 * Second && recoveredAt < 0 && s.Estimator.TargetBitrate >= High * 0.85)
            {
                recoveredAt = s.Now;
            }
        });

        Assert.InRange(recoveredAt, 45 * Second, 55 * Second);
    }

    [Theory]
    [MemberData(nameof(Links))]
    public void Steady_state_utilisation_is_80_to_100_percent(int seed, long delay, long jitter)
    {
        Assert.InRange(UtilisationFrom10To40Seconds(Simulate(seed, delay, jitter)), 0.8, 1.0);
    }

    [Fact]
    public void Light_random_loss_does_not_pull_the_estimate_down()
    {
        var sim = Simulate(5, 40_000, 0);
        sim.Link.LossRate = 0.01;

        Assert.InRange(UtilisationFrom10To40Seconds(sim), 0.75, 1.0);
    }

    [Fact]
    public void Heavy_random_loss_cuts_the_estimate_by_loss_not_delay()
    {
        var sim = Simulate(6, 40_000, 0);
        sim.RunUntil(20 * Second);
        var before = sim.Estimator.TargetBitrate;
        sim.Link.LossRate = 0.25;
        sim.RunUntil(30 * Second);

        Assert.InRange(sim.Estimator.LossFraction, 0.08, 0.4);
        Assert.True(sim.Estimator.LossBasedBitrate < before / 3, $"{sim.Estimator.LossBasedBitrate} after {before}");
        Assert.Equal(sim.Estimator.LossBasedBitrate, sim.Estimator.TargetBitrate);
    }

    /// <summary>
    /// The browser bench at 0.8 Mbit/s: overuse has shown where the link is, then the sender settles at about 90 % of
    /// it (the top layer is all the encoder makes) and never overuses again. The increase must stop near the known
    /// capacity: at 1.5 × what is acknowledged the estimate reached 144 % of the link, the allocator kept a layer that
    /// filled the link, and its queue built until an overuse 40 s later.
    /// </summary>
    [Theory]
    [MemberData(nameof(Links))]
    public void A_sender_limited_just_under_the_link_keeps_the_estimate_near_the_known_capacity(int seed, long delay, long jitter)
    {
        const long Link = 800_000;
        var limited = false;
        var sim = SimulateLimitable(new SimulatedLink(Link, delay, queueLimitBytes: 30_000, seed) { JitterMicroseconds = jitter }, () => limited, 680_000);

        var samples = 0;
        var over = 0;
        sim.RunUntil(60 * Second, s =>
        {
            if (s.Now == 20 * Second)
            {
                // The wish falls to what the sender makes: no more probing beyond it.
                limited = true;
                s.DesiredBitrate = 680_000 + AudioBitrate;
            }

            if (s.Now >= 30 * Second && s.Now % 100_000 == 0)
            {
                samples++;
                over += s.Estimator.TargetBitrate > Link * 1.1 ? 1 : 0;
            }
        });

        Assert.True(sim.Estimator.LinkCapacity is not null, "no overuse showed the link's capacity");
        Assert.True(over <= samples / 10, $"the estimate above 110 % of the link in {over} of {samples} samples (now {sim.Estimator.TargetBitrate})");
    }

    [Theory]
    [MemberData(nameof(Links))]
    public void A_link_that_falls_far_under_what_is_sent_is_followed_within_400_ms(int seed, long delay, long jitter)
    {
        // The browser bench's step: a sender at 800 kbit/s (the top layer all its encoder makes) on a 3 Mbit/s link that
        // falls to 300 kbit/s, with a drop-tail queue of 20 kB (533 ms at 300 kbit/s) in front of it, and a receiver
        // that stamps arrivals in batches now and then.
        var link = new SimulatedLink(3_000_000, delay, queueLimitBytes: 20_000, seed) { JitterMicroseconds = jitter };
        var sim = new BweSimulation(link, BandwidthEstimatorOptions.Default, s => Math.Min(800_000, Math.Max(0, s.Estimator.TargetBitrate - AudioBitrate)))
        {
            DesiredBitrate = 2_500_000,
            ReceiverClock = new StarvedReceiverClock(seed + 100, 400_000, 10_000, 60_000),
        };
        long cutAt = -1;
        sim.RunUntil(25 * Second, s =>
        {
            if (s.Now == 20 * Second)
            {
                Assert.True(s.Estimator.TargetBitrate > 800_000, $"the estimate before the step is {s.Estimator.TargetBitrate}");
                s.Link.CapacityBitsPerSecond = 300_000;
            }

            if (s.Now > 20 * Second && cutAt < 0 && s.Estimator.TargetBitrate <= 400_000)
            {
                cutAt = s.Now;
            }
        });

        Assert.True(cutAt > 0, $"the estimate is still {sim.Estimator.TargetBitrate} 5 s after the step");
        Assert.True(cutAt - (20 * Second) <= 400_000, $"the estimate fell under 400 kbit/s {(cutAt - (20 * Second)) / 1000} ms after the step");
    }

    [Fact]
    public void A_run_is_reproducible()
    {
        var first = Simulate(7, 40_000, 5_000);
        var second = Simulate(7, 40_000, 5_000);
        first.RunUntil(20 * Second);
        second.RunUntil(20 * Second);

        Assert.Equal(first.DeliveredBytes, second.DeliveredBytes);
        Assert.Equal(first.Estimator.TargetBitrate, second.Estimator.TargetBitrate);
    }

    private static double UtilisationFrom10To40Seconds(BweSimulation sim)
    {
        long startBytes = 0;
        sim.RunUntil(40 * Second, s =>
        {
            if (s.Now == 10 * Second)
            {
                startBytes = s.DeliveredBytes;
            }
        });

        return (sim.DeliveredBytes - startBytes) * 8.0 / (High * 30);
    }

    [Theory]
    [MemberData(nameof(Links))]
    public void A_link_that_falls_away_opens_the_queue_drain_reserve_for_a_second_after_its_last_collapse(int seed, long delay, long jitter)
    {
        var sim = Simulate(seed, delay, jitter);
        long openedAt = -1, lastOpen = -1;
        sim.RunUntil(40 * Second, s =>
        {
            if (s.Now == 30 * Second)
            {
                s.Link.CapacityBitsPerSecond = High / 10;
            }

            if (s.Estimator.QueueDrainBitrate(s.Now) > 0)
            {
                Assert.Equal(s.Estimator.TargetBitrate / 2, s.Estimator.QueueDrainBitrate(s.Now));
                openedAt = openedAt < 0 ? s.Now : openedAt;
                lastOpen = s.Now;
            }
        });

        Assert.InRange(openedAt, 30 * Second, 31 * Second);
        Assert.InRange(lastOpen, openedAt, 34 * Second);
    }

    [Theory]
    [MemberData(nameof(Links))]
    public void An_overshoot_that_collapses_the_delivery_without_halving_the_estimate_keeps_no_reserve(int seed, long delay, long jitter)
    {
        // A new transport's layers (1.3 Mbit/s, whatever the estimate) over a 650 kbit/s link: the delivery collapses,
        // the cuts stay near the link.
        var link = new SimulatedLink(650_000, delay, queueLimitBytes: 20_000, seed) { JitterMicroseconds = jitter };
        var sim = new BweSimulation(link, BandwidthEstimatorOptions.Default, _ => 1_300_000);
        long collapses = 0;
        sim.RunUntil(5 * Second, s =>
        {
            collapses = s.Estimator.DeliveryCollapses;
            Assert.Equal(0, s.Estimator.QueueDrainBitrate(s.Now));
        });

        Assert.True(collapses > 0, "the delivery never collapsed");
    }

    // An encoder that follows the target, or sends at most limit once limited() says so (the allocator took a layer
    // that makes no more).
    private static BweSimulation SimulateLimitable(SimulatedLink link, Func<bool> limited, long limit) =>
        new(link, BandwidthEstimatorOptions.Default, s =>
        {
            var follow = Math.Max(0, s.Estimator.TargetBitrate - AudioBitrate);
            return limited() ? Math.Min(follow, limit) : follow;
        })
        {
            DesiredBitrate = 2_500_000,
        };

    private static BweSimulation Simulate(int seed, long delay, long jitter)
    {
        var link = new SimulatedLink(High, delay, queueLimitBytes: 60_000, seed) { JitterMicroseconds = jitter };
        return new BweSimulation(link, BandwidthEstimatorOptions.Default, s => Math.Max(0, s.Estimator.TargetBitrate - AudioBitrate))
        {
            DesiredBitrate = 2_500_000,
        };
    }
}
