using System.Buffers;
using Org.BouncyCastle.Tls;

namespace Parley.Media.Dtls;

/// <summary>
/// Adapts the push model of our I/O layer (datagrams fed as they arrive) to the pull model of
/// BouncyCastle's blocking DTLS engine: a bounded queue of pooled copies that the DTLS thread
/// waits on, and a send path straight to the caller's <see cref="DtlsDatagramSender"/>.
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

    /// <summary>Copies the datagram into the queue and wakes the DTLS thread.</summary>
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
    /// Returns -1 on timeout, which BouncyCastle treats as "retransmit or keep waiting".
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
