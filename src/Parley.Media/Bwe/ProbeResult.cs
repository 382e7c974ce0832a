namespace Parley.Media.Bwe;

/// <summary>What a probe cluster got through.</summary>
/// <param name="Bitrate">The measured rate, bits per second; 0 when no cluster was measured.</param>
/// <param name="ClusterId">The cluster's id (<see cref="ProbeCluster.None"/> when none).</param>
/// <param name="Saturated">The receiver got the cluster clearly slower than it was sent: the result is the link's rate.</param>
internal readonly record struct ProbeResult(long Bitrate, int ClusterId, bool Saturated = false);
