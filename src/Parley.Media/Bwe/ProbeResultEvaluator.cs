namespace Parley.Media.Bwe;

/// <summary>
/// Measures what a probe cluster got through: once 80 % of its packets and bytes are reported received, the send
/// rate (bytes but the last over the send interval) and the receive rate (bytes but the first over the arrival
/// interval). When the receiver got clearly less than we sent, the link is saturated and its capacity is about the
/// receive rate; otherwise the lower of the two. A cluster received more than twice as fast as it was sent is no
/// measurement of the link (the receiver stamped a batch of packets at once, as a starved receiving thread does) and
/// gives no result, as in libwebrtc; nor does one that looks saturated only because a stall split its arrivals (see
/// <see cref="MaxStallShare"/>). A result never exceeds the cluster's target. Keeps a few clusters in fixed slots.
/// </summary>
internal sealed class ProbeResultEvaluator
{
    public const int Slots = 4;
    private const double MinReceivedFraction = 0.8;
    private const double SaturatedRatio = 0.9;
    private const double SaturatedUtilization = 0.95;
    private const long MaxIntervalMicroseconds = 1_000_000;
    private const double MaxValidReceiveToSendRatio = 2.0;

    /// <summary>
    /// A saturated-looking cluster whose arrivals have one gap longer than this share of the whole receive interval
    /// was stalled, not saturated: a link spaces a cluster's packets evenly at its rate (a media packet or two between
    /// them makes a gap of 2–3 packet times, 40–50 % of five), while a receiving thread that stalled stamps what came
    /// meanwhile together after one long gap. Read as saturated, such a cluster at 0.6 Mbit/s on a restored 3 Mbit/s
    /// link gave 0.2 Mbit/s, and the next probe came 5 s later.
    /// </summary>
    private const double MaxStallShare = 0.6;

    private readonly Aggregate[] _clusters = new Aggregate[Slots];

    /// <summary>Whether the last result returned by <see cref="OnPacket"/> was measured on a saturated link (the receive rate clearly under the send rate).</summary>
    public bool LastResultSaturated { get; private set; }

    /// <summary>Clusters whose intervals made no sense (reordered, too long, received over twice as fast as sent, stalled); no result was taken from them.</summary>
    public long Invalid { get; private set; }

    /// <summary>Starts tracking <paramref name="cluster"/>, replacing the oldest one tracked.</summary>
    public void OnClusterStarted(in ProbeCluster cluster)
    {
        ref var slot = ref _clusters[cluster.Id % Slots];
        slot = new Aggregate { Cluster = cluster, FirstSend = long.MaxValue, FirstArrival = long.MaxValue, LastSend = long.MinValue, LastArrival = long.MinValue };
    }

    /// <summary>Adds a reported probe packet; returns the cluster's measured bitrate when it is complete enough, else 0.</summary>
    public long OnPacket(in PacketResult packet)
    {
        if (packet.ProbeClusterId <= 0 || !packet.Received)
        {
            return 0;
        }

        ref var slot = ref _clusters[packet.ProbeClusterId % Slots];
        if (slot.Cluster.Id != packet.ProbeClusterId)
        {
            return 0;
        }

        if (packet.SendTimeMicroseconds < slot.FirstSend)
        {
            slot.FirstSend = packet.SendTimeMicroseconds;
        }

        if (packet.SendTimeMicroseconds > slot.LastSend)
        {
            slot.LastSend = packet.SendTimeMicroseconds;
            slot.LastSendSize = packet.Size;
        }

        if (packet.ArrivalTimeMicroseconds < slot.FirstArrival)
        {
            slot.FirstArrival = packet.ArrivalTimeMicroseconds;
            slot.FirstArrivalSize = packet.Size;
        }

        if (slot.LastArrival != long.MinValue && packet.ArrivalTimeMicroseconds > slot.LastArrival)
        {
            slot.LongestGap = Math.Max(slot.LongestGap, packet.ArrivalTimeMicroseconds - slot.LastArrival);
        }

        slot.LastArrival = Math.Max(slot.LastArrival, packet.ArrivalTimeMicroseconds);
        slot.Packets++;
        slot.Bytes += packet.Size;

        if (slot.Packets < slot.Cluster.MinPackets * MinReceivedFraction || slot.Bytes < slot.Cluster.MinBytes * MinReceivedFraction)
        {
            return 0;
        }

        var sendInterval = slot.LastSend - slot.FirstSend;
        var receiveInterval = slot.LastArrival - slot.FirstArrival;
        if (sendInterval <= 0 || sendInterval > MaxIntervalMicroseconds || receiveInterval <= 0 || receiveInterval > MaxIntervalMicroseconds)
        {
            Invalid++;
            return 0;
        }

        var sendRate = (slot.Bytes - slot.LastSendSize) * 8_000_000.0 / sendInterval;
        var receiveRate = (slot.Bytes - slot.FirstArrivalSize) * 8_000_000.0 / receiveInterval;
        if (receiveRate > MaxValidReceiveToSendRatio * sendRate)
        {
            Invalid++;
            return 0;
        }

        LastResultSaturated = receiveRate < SaturatedRatio * sendRate;
        if (LastResultSaturated && slot.LongestGap > MaxStallShare * receiveInterval)
        {
            Invalid++;
            return 0;
        }

        var rate = LastResultSaturated
            ? SaturatedUtilization * receiveRate
            : Math.Min(sendRate, receiveRate);

        // A cluster that left in a burst (the pacer's budget, media passing through) has a send rate far above its
        // target, so even arrivals a busy receiver stamped in a batch look "saturated" and pass for the link's rate.
        // The cluster asked whether the path carries its target; it cannot answer for more.
        return (long)Math.Min(rate, slot.Cluster.TargetBitrate);
    }

    private struct Aggregate
    {
        public ProbeCluster Cluster;
        public long FirstSend;
        public long LastSend;
        public int LastSendSize;
        public long FirstArrival;
        public int FirstArrivalSize;
        public long LastArrival;
        public long LongestGap;
        public int Packets;
        public long Bytes;
    }
}
