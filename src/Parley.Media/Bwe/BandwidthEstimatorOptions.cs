namespace Parley.Media.Bwe;

/// <summary>Bounds of a transport's send-side estimate, in bits per second.</summary>
/// <param name="StartBitrate">The estimate before any feedback.</param>
/// <param name="MinBitrate">The estimate never goes under this (audio and the lowest layer must fit).</param>
/// <param name="MaxBitrate">The estimate never goes over this.</param>
internal readonly record struct BandwidthEstimatorOptions(long StartBitrate, long MinBitrate, long MaxBitrate)
{
    public static BandwidthEstimatorOptions Default => new(600_000, 30_000, 20_000_000);
}
