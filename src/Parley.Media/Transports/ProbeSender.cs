using Parley.Media.Bwe;

namespace Parley.Media.Transports;

/// <summary>
/// Sends the estimator's probe clusters as padding-only RTX packets, paced at the cluster's rate on the worker's
/// timer ticks (a cluster lasts about 15 ms, a few ticks): the probe measures whether the path carries more before
/// the allocator steps a consumer up. Worker thread only; nothing allocated per packet.
/// </summary>
/// <param name="estimator">Plans the clusters and evaluates their feedback.</param>
/// <param name="sendPadding">Sends one padding packet of the cluster whose id it is given; returns its size, 0 when none can go.</param>
internal sealed class ProbeSender(SendSideBandwidthEstimator estimator, Func<int, int> sendPadding)
{
    /// <summary>A padding packet's size on the wire, about: a header, the extension and 255 bytes of padding.</summary>
    private const int PaddingPacketBytes = 275;

    private ProbeCluster _cluster;
    private long _startMicroseconds;
    private long _bytes;
    private int _packets;

    public bool IsActive { get; private set; }

    /// <summary>Clusters sent to the end.</summary>
    public long ClustersSent { get; private set; }

    /// <summary>Starts the next planned cluster when none runs; true while one runs.</summary>
    public bool TryStart(long nowMicroseconds)
    {
        if (IsActive)
        {
            return true;
        }

        if (!estimator.TryTakeProbeCluster(out var cluster))
        {
            return false;
        }

        _cluster = cluster;
        _startMicroseconds = nowMicroseconds;
        _bytes = 0;
        _packets = 0;
        IsActive = true;
        estimator.OnProbeClusterStarted(cluster);
        return true;
    }

    /// <summary>Sends what the cluster's rate allows by now; the cluster ends once its packets and bytes are out.</summary>
    public void OnTick(long nowMicroseconds)
    {
        if (!IsActive)
        {
            return;
        }

        var due = (_cluster.TargetBitrate * (nowMicroseconds - _startMicroseconds) / 8_000_000) + PaddingPacketBytes - _bytes;
        while (due > 0 && !IsComplete)
        {
            var sent = sendPadding(_cluster.Id);
            if (sent == 0)
            {
                IsActive = false;
                return;
            }

            _bytes += sent;
            _packets++;
            due -= sent;
        }

        if (IsComplete)
        {
            IsActive = false;
            ClustersSent++;
        }
    }

    private bool IsComplete => _packets >= _cluster.MinPackets && _bytes >= _cluster.MinBytes;
}
