using Parley.Media.Transports;

namespace Parley.Media.Diagnostics;

/// <summary>
/// Cumulative traffic of media objects, summed on a worker thread from the counters those objects keep anyway. Once
/// handed to a <see cref="WorkerStatistics"/> an instance is never written again, so any thread may read it.
/// </summary>
internal sealed class MediaTrafficTotals
{
    public static readonly int TransportDropReasonCount = Enum.GetValues<RtpDropReason>().Length;

    public static readonly int ConnectionDropReasonCount = Enum.GetValues<WebRtcDropReason>().Length;

    public long RtpPacketsReceived;
    public long RtpBytesReceived;
    public long RtpPacketsSent;
    public long RtpBytesSent;
    public long NacksReceived;
    public long RetransmissionsSent;
    public long KeyFrameRequestsSent;

    /// <summary>Indexed by <see cref="RtpDropReason"/>.</summary>
    public readonly long[] TransportDrops = new long[TransportDropReasonCount];

    /// <summary>Indexed by <see cref="WebRtcDropReason"/>.</summary>
    public readonly long[] ConnectionDrops = new long[ConnectionDropReasonCount];

    public void Add(MediaTrafficTotals other)
    {
        RtpPacketsReceived += other.RtpPacketsReceived;
        RtpBytesReceived += other.RtpBytesReceived;
        RtpPacketsSent += other.RtpPacketsSent;
        RtpBytesSent += other.RtpBytesSent;
        NacksReceived += other.NacksReceived;
        RetransmissionsSent += other.RetransmissionsSent;
        KeyFrameRequestsSent += other.KeyFrameRequestsSent;
        for (var i = 0; i < TransportDrops.Length; i++)
        {
            TransportDrops[i] += other.TransportDrops[i];
        }

        for (var i = 0; i < ConnectionDrops.Length; i++)
        {
            ConnectionDrops[i] += other.ConnectionDrops[i];
        }
    }
}
