namespace Parley.Media.Tests.Bwe.Simulation;

/// <summary>
/// A bottleneck in virtual time: packets are serialised at <see cref="CapacityBitsPerSecond"/> through a drop-tail
/// queue of <see cref="QueueLimitBytes"/>, then delayed by the propagation delay plus uniform jitter (order kept, as a
/// single path does), and lost at random with <see cref="LossRate"/>. Seeded: a run is reproducible.
/// </summary>
internal sealed class SimulatedLink
{
    private readonly Random _random;
    private long _lastDeparture;
    private long _lastArrival;

    public SimulatedLink(long capacityBitsPerSecond, long propagationDelayMicroseconds, int queueLimitBytes, int seed)
    {
        CapacityBitsPerSecond = capacityBitsPerSecond;
        PropagationDelayMicroseconds = propagationDelayMicroseconds;
        QueueLimitBytes = queueLimitBytes;
        _random = new Random(seed);
    }

    public long CapacityBitsPerSecond { get; set; }

    public long PropagationDelayMicroseconds { get; set; }

    public int QueueLimitBytes { get; set; }

    public double LossRate { get; set; }

    public long JitterMicroseconds { get; set; }

    public long QueueDrops { get; private set; }

    public long RandomDrops { get; private set; }

    /// <summary>Bytes waiting in the bottleneck queue at <paramref name="now"/>.</summary>
    public long QueuedBytes(long now) => Math.Max(0, _lastDeparture - now) * CapacityBitsPerSecond / 8_000_000;

    /// <summary>Offers a packet at <paramref name="now"/>; false when it is lost, else when it arrives.</summary>
    public bool TrySend(long now, int size, out long arrival)
    {
        arrival = 0;
        if (QueuedBytes(now) + size > QueueLimitBytes)
        {
            QueueDrops++;
            return false;
        }

        var departure = Math.Max(now, _lastDeparture) + (size * 8_000_000L / CapacityBitsPerSecond);
        _lastDeparture = departure;
        if (LossRate > 0 && _random.NextDouble() < LossRate)
        {
            RandomDrops++;
            return false;
        }

        var jitter = JitterMicroseconds > 0 ? _random.NextInt64(JitterMicroseconds + 1) : 0;
        arrival = Math.Max(_lastArrival, departure + PropagationDelayMicroseconds + jitter);
        _lastArrival = arrival;
        return true;
    }
}
