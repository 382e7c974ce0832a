using Parley.NetRelay;

namespace Parley.Media.Tests.Bwe.Simulation;

/// <summary>
/// A bottleneck in virtual time: the UDP relay's <see cref="LinkImpairment"/> (the same model the browser tests put
/// between Chromium and the server) with no burst allowance, so packets are serialised at the capacity through a
/// drop-tail queue, then lost at random, delayed and jittered with order kept. Seeded: a run is reproducible.
/// </summary>
internal sealed class SimulatedLink
{
    private readonly LinkImpairment _link;

    public SimulatedLink(long capacityBitsPerSecond, long propagationDelayMicroseconds, int queueLimitBytes, int seed)
    {
        _link = new LinkImpairment(seed)
        {
            Settings = new ImpairmentSettings(
                capacityBitsPerSecond,
                BurstBytes: 0,
                queueLimitBytes,
                TimeSpan.FromMicroseconds(propagationDelayMicroseconds),
                TimeSpan.Zero,
                LossRate: 0),
        };
    }

    public long CapacityBitsPerSecond
    {
        get => _link.Settings.RateBitsPerSecond;
        set => _link.Settings = _link.Settings with { RateBitsPerSecond = value };
    }

    public long PropagationDelayMicroseconds => (long)_link.Settings.Delay.TotalMicroseconds;

    public double LossRate
    {
        get => _link.Settings.LossRate;
        set => _link.Settings = _link.Settings with { LossRate = value };
    }

    public long JitterMicroseconds
    {
        get => (long)_link.Settings.Jitter.TotalMicroseconds;
        set => _link.Settings = _link.Settings with { Jitter = TimeSpan.FromMicroseconds(value) };
    }

    /// <summary>Offers a packet at <paramref name="now"/>; false when it is lost, else when it arrives.</summary>
    public bool TrySend(long now, int size, out long arrival) => _link.TryAdmit(now, size, out arrival);
}
