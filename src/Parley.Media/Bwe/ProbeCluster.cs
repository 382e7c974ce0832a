namespace Parley.Media.Bwe;

/// <summary>
/// A burst sent at a rate above the estimate to learn whether the path carries it: at least
/// <see cref="MinPackets"/> packets and <see cref="MinBytes"/> bytes paced at <see cref="TargetBitrate"/>.
/// </summary>
/// <param name="Id">Positive, increasing; carried with each probe packet to its feedback.</param>
/// <param name="TargetBitrate">Bits per second to pace the cluster at.</param>
/// <param name="MinPackets">Packets to send at least.</param>
/// <param name="MinBytes">Bytes to send at least.</param>
internal readonly record struct ProbeCluster(int Id, long TargetBitrate, int MinPackets, int MinBytes)
{
    /// <summary>The cluster id of a packet that is not a probe.</summary>
    public const int None = -1;

    /// <summary>A cluster lasts at least this long at its rate, so that feedback resolution (250 µs) does not dominate.</summary>
    public const long MinDurationMicroseconds = 15_000;

    public const int DefaultMinPackets = 5;

    public static ProbeCluster For(int id, long targetBitrate) => new(
        id,
        targetBitrate,
        DefaultMinPackets,
        (int)Math.Min(int.MaxValue, targetBitrate * MinDurationMicroseconds / 8_000_000));
}
