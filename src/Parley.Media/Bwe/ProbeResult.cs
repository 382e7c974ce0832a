namespace Parley.Media.Bwe;

/// <summary>What a probe cluster got through.</summary>
/// <param name="Bitrate">The measured rate, bits per second; 0 when no cluster was measured.</param>
/// <param name="ClusterId">The cluster's id (<see cref="ProbeCluster.None"/> when none).</param>
internal readonly record struct ProbeResult(long Bitrate, int ClusterId);
