namespace Parley.Media.Dtls;

/// <summary>Traffic counters of a <see cref="DtlsTransport"/>; safe to read from any thread.</summary>
internal sealed class DtlsTransportCounters
{
    private static readonly int ReasonCount = Enum.GetValues<DtlsDropReason>().Length;

    private readonly long[] _droppedByReason = new long[ReasonCount];
    private long _datagramsReceived;
    private long _bytesReceived;
    private long _datagramsSent;
    private long _bytesSent;
    private long _applicationMessagesReceived;
    private long _applicationMessagesSent;

    /// <summary>Datagrams fed to the transport, including dropped ones.</summary>
    public long DatagramsReceived => Volatile.Read(ref _datagramsReceived);

    /// <summary>Bytes fed to the transport, including dropped datagrams.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Datagrams handed to the sender (handshake flights, alerts, application records).</summary>
    public long DatagramsSent => Volatile.Read(ref _datagramsSent);

    /// <summary>Bytes handed to the sender.</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Decrypted application data messages delivered.</summary>
    public long ApplicationMessagesReceived => Volatile.Read(ref _applicationMessagesReceived);

    /// <summary>Application data messages sent.</summary>
    public long ApplicationMessagesSent => Volatile.Read(ref _applicationMessagesSent);

    /// <summary>All datagrams dropped before reaching the DTLS engine.</summary>
    public long DatagramsDropped
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _droppedByReason.Length; i++)
                total += Volatile.Read(ref _droppedByReason[i]);
            return total;
        }
    }

    /// <summary>Datagrams dropped for one reason.</summary>
    /// <param name="reason">The reason to count.</param>
    public long DroppedFor(DtlsDropReason reason) => Volatile.Read(ref _droppedByReason[(int)reason]);

    internal void CountReceived(int bytes)
    {
        Interlocked.Increment(ref _datagramsReceived);
        Interlocked.Add(ref _bytesReceived, bytes);
    }

    internal void CountSent(int bytes)
    {
        Interlocked.Increment(ref _datagramsSent);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    internal void CountDropped(DtlsDropReason reason) => Interlocked.Increment(ref _droppedByReason[(int)reason]);

    internal void CountApplicationReceived() => Interlocked.Increment(ref _applicationMessagesReceived);

    internal void CountApplicationSent() => Interlocked.Increment(ref _applicationMessagesSent);
}
