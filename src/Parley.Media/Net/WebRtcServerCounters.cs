namespace Parley.Media.Net;

/// <summary>Traffic counters of a <see cref="WebRtcServer"/>, updated lock-free from the I/O loops.</summary>
internal sealed class WebRtcServerCounters
{
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private readonly long[] _tcpClosed = new long[Enum.GetValues<TcpCloseReason>().Length];
    private long _packetsReceived;
    private long _bytesReceived;
    private long _packetsSent;
    private long _bytesSent;

    /// <summary>Packets received on any socket, including those dropped afterwards.</summary>
    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);

    /// <summary>Bytes received (payload only, without IP/UDP headers or TCP framing).</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Packets sent.</summary>
    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>Bytes sent (payload only).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Packets dropped for <paramref name="reason"/>.</summary>
    public long GetDropped(DropReason reason) => Interlocked.Read(ref _dropped[(int)reason]);

    /// <summary>TCP connections the server closed or refused for <paramref name="reason"/> (not those the peer closed).</summary>
    public long GetTcpClosed(TcpCloseReason reason) => Interlocked.Read(ref _tcpClosed[(int)reason]);

    /// <summary>Packets dropped for any reason.</summary>
    public long TotalDropped
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _dropped.Length; i++)
            {
                total += Interlocked.Read(ref _dropped[i]);
            }

            return total;
        }
    }

    internal void OnReceived(int bytes)
    {
        Interlocked.Increment(ref _packetsReceived);
        Interlocked.Add(ref _bytesReceived, bytes);
    }

    internal void OnSent(int bytes)
    {
        Interlocked.Increment(ref _packetsSent);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    internal void OnDropped(DropReason reason) => Interlocked.Increment(ref _dropped[(int)reason]);

    internal void OnTcpClosed(TcpCloseReason reason) => Interlocked.Increment(ref _tcpClosed[(int)reason]);
}
