namespace Parley.Media.Transports;

/// <summary>Traffic and drop counters of one <see cref="WebRtcConnection"/>; safe to read from any thread.</summary>
internal sealed class WebRtcConnectionCounters
{
    private readonly long[] _dropped = new long[Enum.GetValues<WebRtcDropReason>().Length];
    private long _bytesReceived;
    private long _bytesSent;
    private long _rtpReceived;
    private long _rtcpReceived;
    private long _rtpSent;
    private long _rtcpSent;

    /// <summary>Bytes of every packet received on validated tuples (STUN, DTLS, SRTP, SRTCP).</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Bytes handed to the sockets (STUN responses excluded: the ICE agent sends those).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>RTP packets that decrypted and were handed to the receive handler.</summary>
    public long RtpPacketsReceived => Interlocked.Read(ref _rtpReceived);

    /// <summary>RTCP compound packets that decrypted and were handed to the receive handler.</summary>
    public long RtcpPacketsReceived => Interlocked.Read(ref _rtcpReceived);

    /// <summary>RTP packets protected and sent.</summary>
    public long RtpPacketsSent => Interlocked.Read(ref _rtpSent);

    /// <summary>RTCP packets protected and sent.</summary>
    public long RtcpPacketsSent => Interlocked.Read(ref _rtcpSent);

    /// <summary>Packets dropped for <paramref name="reason"/>.</summary>
    public long Dropped(WebRtcDropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);

    internal void CountReceived(int bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    internal void CountSent(int bytes) => Interlocked.Add(ref _bytesSent, bytes);

    internal void CountRtpReceived() => Interlocked.Increment(ref _rtpReceived);

    internal void CountRtcpReceived() => Interlocked.Increment(ref _rtcpReceived);

    internal void CountRtpSent() => Interlocked.Increment(ref _rtpSent);

    internal void CountRtcpSent() => Interlocked.Increment(ref _rtcpSent);

    internal void CountDropped(WebRtcDropReason reason) => Interlocked.Increment(ref _dropped[(int)reason]);
}
