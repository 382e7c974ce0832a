using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Parley.Media.Net;

/// <summary>
/// One accepted TCP connection carrying RFC 4571 frames (RFC 6544 passive candidate). Reads into a
/// per-connection reassembly buffer big enough for the largest frame, hands each complete frame to the
/// server, and writes framed packets under a lock so that concurrent senders never interleave frames.
/// </summary>
internal sealed class TcpFramedConnection : IDisposable
{
    private const int ReassemblyBufferLength = Rfc4571Framing.HeaderLength + Rfc4571Framing.MaxFrameLength;
    private const int StackFrameLimit = 2048;
    private const int SendTimeoutMilliseconds = 1000;

    private readonly Socket _socket;
    private readonly Lock _sendLock = new();
    private readonly CancellationTokenSource _lifetime;
    private int _disposed;
    private long _lastActivityMilliseconds;

    public TcpFramedConnection(Socket socket, ushort localPort, long acceptSequence, long acceptedAtMilliseconds, CancellationToken serverStopping)
    {
        _socket = socket;
        _socket.NoDelay = true;

        // Sends are synchronous under the transport's gate: a peer that stops reading must not hold it for long.
        _socket.SendTimeout = SendTimeoutMilliseconds;
        Tuple = TransportTuple.Create(TransportProtocol.Tcp, (IPEndPoint)socket.RemoteEndPoint!, localPort);
        AcceptSequence = acceptSequence;
        AcceptedAtMilliseconds = acceptedAtMilliseconds;
        _lastActivityMilliseconds = acceptedAtMilliseconds;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
    }

    public TransportTuple Tuple { get; }

    /// <summary>Orders connections by age (the clock may not move between two accepts): lower is older.</summary>
    public long AcceptSequence { get; }

    /// <summary>When the connection was accepted, on the server's clock.</summary>
    public long AcceptedAtMilliseconds { get; }

    /// <summary>When a packet from the connection last reached its transport after ICE validated it.</summary>
    public long LastActivityMilliseconds => Volatile.Read(ref _lastActivityMilliseconds);

    /// <summary>
    /// The transport the connection's first STUN request named; null until then. Naming a transport is not
    /// binding to it: only a check the transport's ICE agent validated (message integrity with its password) does.
    /// </summary>
    public WebRtcServerRegistration? Registration { get; set; }

    /// <summary>The connection was disposed (closed by either side, evicted or timed out).</summary>
    public bool IsClosed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Records traffic that keeps a bound connection from expiring as idle.</summary>
    public void MarkActive(long nowMilliseconds) => Volatile.Write(ref _lastActivityMilliseconds, nowMilliseconds);

    /// <summary>Reads frames until the peer closes, the server stops, or the connection is disposed.</summary>
    public async Task RunAsync(Func<TcpFramedConnection, ReadOnlyMemory<byte>, bool> onFrame)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReassemblyBufferLength);
        try
        {
            var filled = 0;
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled, ReassemblyBufferLength - filled), SocketFlags.None, _lifetime.Token)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                var offset = 0;
                while (Rfc4571Framing.TryReadFrame(buffer.AsSpan(offset, filled - offset), out var frame, out var consumed))
                {
                    var keepOpen = onFrame(this, buffer.AsMemory(offset + Rfc4571Framing.HeaderLength, frame.Length));
                    offset += consumed;
                    if (!keepOpen)
                    {
                        return;
                    }
                }

                // Move the partial frame to the front; a complete frame always fits the buffer.
                buffer.AsSpan(offset, filled - offset).CopyTo(buffer);
                filled -= offset;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Peer reset, timeout, eviction or server shutdown: all end the connection the same way.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Dispose();
        }
    }

    /// <summary>Writes one framed packet; false when the connection is gone or the payload too large.</summary>
    public bool Send(ReadOnlySpan<byte> payload)
    {
        var frameLength = Rfc4571Framing.HeaderLength + payload.Length;
        byte[]? rented = null;
        var frame = frameLength <= StackFrameLimit ? stackalloc byte[StackFrameLimit] : (rented = ArrayPool<byte>.Shared.Rent(frameLength));
        try
        {
            if (!Rfc4571Framing.TryWriteFrame(payload, frame, out var written))
            {
                return false;
            }

            lock (_sendLock)
            {
                var remaining = frame[..written];
                while (!remaining.IsEmpty)
                {
                    remaining = remaining[_socket.Send(remaining, SocketFlags.None)..];
                }
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Dispose();
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();

        // A connection refused before it ever ran must still let go of its link to the server's token.
        _lifetime.Dispose();
    }
}
