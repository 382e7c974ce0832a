namespace Parley.NetRelay;

/// <summary>How one direction of the relay impairs traffic.</summary>
/// <param name="RateBitsPerSecond">Token-bucket rate; 0 for unlimited.</param>
/// <param name="BurstBytes">Bucket depth: bytes that may pass at once after an idle period.</param>
/// <param name="QueueLimitBytes">Bytes that may wait for tokens; a packet that would exceed it is dropped (drop-tail).</param>
/// <param name="Delay">Added to every packet after the rate limit.</param>
/// <param name="Jitter">Up to this much more delay, uniformly at random; packet order is kept.</param>
/// <param name="LossRate">Probability that a packet is dropped at random, 0–1.</param>
public readonly record struct ImpairmentSettings(
    long RateBitsPerSecond,
    int BurstBytes,
    int QueueLimitBytes,
    TimeSpan Delay,
    TimeSpan Jitter,
    double LossRate)
{
    /// <summary>Passes everything at once.</summary>
    public static ImpairmentSettings None => new(0, 0, int.MaxValue, TimeSpan.Zero, TimeSpan.Zero, 0);

    /// <summary>A rate limit with a 10 kB bucket and a 64 kB queue, and no other impairment.</summary>
    public static ImpairmentSettings RateLimited(long bitsPerSecond) =>
        None with { RateBitsPerSecond = bitsPerSecond, BurstBytes = 10_000, QueueLimitBytes = 64_000 };
}
