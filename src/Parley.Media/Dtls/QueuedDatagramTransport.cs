using System.Buffers;
using Org.BouncyCastle.Tls;

namespace Parley.Media.Dtls;

/// <summary>
/// Adapts the push model of our I/O layer (datagrams fed as they arrive) to the pull model of
/// BouncyCastle's blocking DTLS engine: a bounded queue of pooled copies, and a send path straight
/// to the caller's <see cref="DtlsDatagramSender"/>. During the handshake a pool thread waits on the
/// queue (with BouncyCastle's retransmission timeouts); after it, in record mode, nothing ever waits:
/// an empty queue ends the read at once (see <see cref="Receive(Span{byte}, int)"/>).
/// </summary>
internal sealed class QueuedDatagramTransport : DatagramTransport
{
    private readonly object _gate = new();
    private readonly Queue<(byte[] Buffer, int Length)> _queue = new();
    private readonly int _capacity;
    private readonly int _sendLimit;
    private readonly int _receiveLimit;
    private readonly DtlsDatagramSender _sender;
    private readonly DtlsTransportCounters _counters;
    private bool _closed;
    private volatile bool _recordMode;

    internal QueuedDatagramTransport(int capacity, int sendLimit, int receiveLimit, DtlsDatagramSender sender, DtlsTransportCounters counters)
    {
        _capacity = capacity;
        _sendLimit = sendLimit;
        _receiveLimit = receiveLimit;
        _sender = sender;
        _counters = counters;
    }

    internal bool IsClosed
    {
        get
        {
            lock (_gate)
                return _closed;
        }
    }

    /// <summary>Datagrams are queued that the engine has not read yet.</summary>
    internal bool HasPending
    {
        get
        {
            lock (_gate)
                return _queue.Count > 0;
        }
    }

    /// <summary>From now on <see cref="Receive(Span{byte}, int)"/> never waits: the handshake is over.</summary>
    internal void EnterRecordMode() => _recordMode = true;

    /// <summary>Copies the datagram into the queue and wakes a handshake waiting on it.</summary>
    internal DtlsDropReason Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > _receiveLimit)
            return DtlsDropReason.TooLarge;

        lock (_gate)
        {
            if (_closed)
                return DtlsDropReason.NotRunning;
            if (_queue.Count >= _capacity)
                return DtlsDropReason.QueueFull;

            byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
            datagram.CopyTo(buffer);
            _queue.Enqueue((buffer, datagram.Length));
            Monitor.Pulse(_gate);
        }

        return DtlsDropReason.None;
    }

    public int GetReceiveLimit() => _receiveLimit;

    public int GetSendLimit() => _sendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <summary>
    /// Waits up to <paramref name="waitMillis"/> (0 = forever, as for a socket timeout) for a datagram.
    /// Returns -1 on timeout, which BouncyCastle treats as "retransmit or keep waiting". In record mode
    /// it never waits: an empty queue throws <see cref="NoDatagramPendingSignal"/>.
    /// </summary>
    /// <exception cref="DtlsTransportClosedException">
    /// The transport was closed. Thrown rather than returning -1, so an engine waiting forever stops
    /// instead of spinning.
    /// </exception>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        (byte[] Buffer, int Length) datagram;
        lock (_gate)
        {
            long deadline = waitMillis > 0 ? Environment.TickCount64 + waitMillis : long.MaxValue;
            while (_queue.Count == 0)
            {
                if (_closed)
                    throw new DtlsTransportClosedException();
                if (_recordMode)
                    throw new NoDatagramPendingSignal();

                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                    return -1;
                Monitor.Wait(_gate, remaining >= int.MaxValue ? Timeout.Infinite : (int)remaining);
            }

            if (_closed)
                throw new DtlsTransportClosedException();
            datagram = _queue.Dequeue();
        }

        try
        {
            // A datagram longer than the engine's buffer cannot be a valid record for it; hand over
            // a prefix and let the record layer reject the length mismatch.
            int length = Math.Min(datagram.Length, buffer.Length);
            datagram.Buffer.AsSpan(0, length).CopyTo(buffer);
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(datagram.Buffer);
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (IsClosed)
            return;

        _sender(buffer);
        _counters.CountSent(buffer.Length);
    }

    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            while (_queue.TryDequeue(out var datagram))
                ArrayPool<byte>.Shared.Return(datagram.Buffer);
            Monitor.PulseAll(_gate);
        }
    }
}

/// <summary>Ends a blocked DTLS receive when the transport is closed.</summary>
internal sealed class DtlsTransportClosedException : IOException
{
    internal DtlsTransportClosedException()
        : base("The DTLS datagram transport is closed.")
    {
    }
}

/// <summary>
/// Ends a read in record mode when no datagram is queued, without failing the connection.
/// </summary>
/// <remarks>
/// BouncyCastle's record layer loops until a record yields application data or its wait expires, and
/// a wait of zero means forever; returning -1 from an empty queue would make it spin. Timeouts thrown
/// by the transport are swallowed into that loop too. What ends the read cleanly is a bad_record_mac
/// alert on a connection whose peer ignores corrupt records (<c>IgnoreCorruptDtlsRecords</c>, true in
/// both our peers): <c>DtlsTransport.Receive</c> then returns -1 and leaves the connection as it was.
/// It is thrown only after a datagram that held no application data (an alert, a retransmitted
/// handshake flight), because the reader stops asking once the queue is empty.
/// </remarks>
internal sealed class NoDatagramPendingSignal : TlsFatalAlert
{
    internal NoDatagramPendingSignal()
        : base(Org.BouncyCastle.Tls.AlertDescription.bad_record_mac, "No datagram is queued.")
    {
    }
}
