using System.Net;
using System.Net.Sockets;

namespace Parley.Media.Net;

/// <summary>Receives datagrams from a <see cref="UdpSocketListener"/>; the bytes are valid only during the call.</summary>
internal interface IUdpDatagramHandler
{
    /// <param name="datagram">The datagram, in the loop's receive buffer.</param>
    /// <param name="from">Where it came from.</param>
    /// <param name="arrivalTimestamp">When the read returned (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
    void OnDatagram(ReadOnlySpan<byte> datagram, in TransportTuple from, long arrivalTimestamp);
}

/// <summary>
/// One bound UDP socket with its receive loop on a thread of its own. The loop reuses one pinned buffer and one
/// <see cref="SocketAddress"/>, so receiving allocates nothing per datagram. Sending is a synchronous
/// <c>sendto</c> through a per-thread scratch address.
/// </summary>
internal sealed class UdpSocketListener : IDisposable
{
    private const int ReceiveBufferLength = 65536;
    private const int SocketBufferBytes = 4 * 1024 * 1024;

    [ThreadStatic]
    private static SocketAddress? s_sendAddressV4;

    [ThreadStatic]
    private static SocketAddress? s_sendAddressV6;

    private readonly Socket _socket;
    private readonly IUdpDatagramHandler _handler;
    private readonly WebRtcServerCounters _counters;
    private readonly int _maxPacketSize;
    private readonly CancellationTokenSource _stopping = new();

    private UdpSocketListener(Socket socket, IUdpDatagramHandler handler, WebRtcServerCounters counters, int maxPacketSize)
    {
        _socket = socket;
        _handler = handler;
        _counters = counters;
        _maxPacketSize = maxPacketSize;
        LocalPort = (ushort)((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public ushort LocalPort { get; }

    /// <summary>Binds a socket to <paramref name="address"/>:<paramref name="port"/> (0 = ephemeral); throws <see cref="SocketException"/> if the port is taken.</summary>
    public static UdpSocketListener Bind(IPAddress address, int port, IUdpDatagramHandler handler, WebRtcServerCounters counters, int maxPacketSize)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.ReceiveBufferSize = SocketBufferBytes;
            socket.SendBufferSize = SocketBufferBytes;
            socket.Bind(new IPEndPoint(address, port));
            return new UdpSocketListener(socket, handler, counters, maxPacketSize);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the receive loop on a thread of its own, with blocking receives: an asynchronous receive would register
    /// the socket with the runtime's epoll engine, which also watches writability, so that every datagram the workers
    /// send from this shared port would wake the engine's thread.
    /// </summary>
    public void Start() => new Thread(ReceiveLoop) { IsBackground = true, Name = $"udp-rx-{LocalPort}" }.Start();

    /// <summary>
    /// Sends one datagram from any worker thread. On Linux a non-blocking <c>sendto</c> on the descriptor, held open
    /// for the call: a full send buffer drops the datagram (counted) instead of stalling the worker, as on the
    /// transports' own sockets.
    /// </summary>
    public bool SendTo(ReadOnlySpan<byte> datagram, in TransportTuple to)
    {
        var address = _socket.AddressFamily == AddressFamily.InterNetworkV6
            ? s_sendAddressV6 ??= new SocketAddress(AddressFamily.InterNetworkV6)
            : s_sendAddressV4 ??= new SocketAddress(AddressFamily.InterNetwork);
        if (!to.TryWriteTo(address))
        {
            _counters.OnDropped(DropReason.SendFailed);
            return false;
        }

        if (!(OperatingSystem.IsLinux() ? TrySendNative(datagram, address) : TrySendManaged(datagram, address)))
        {
            _counters.OnDropped(DropReason.SendFailed);
            return false;
        }

        _counters.OnSent(datagram.Length);
        return true;
    }

    /// <summary>The family of the addresses this socket sends to.</summary>
    internal AddressFamily AddressFamily => _socket.AddressFamily;

    /// <summary>
    /// For <see cref="UdpSendBatch"/> (Linux): sends prepared messages with one non-blocking <c>sendmmsg</c>; returns
    /// how many of the first were sent, or -1 when the first could not be (a full send buffer, a closed socket).
    /// Counts nothing: the batch counts each datagram (<see cref="CountSent"/>, <see cref="CountSendFailed"/>).
    /// </summary>
    internal unsafe int SendMany(LinuxNative.MultiMessageHeader* messages, int count)
    {
        var handle = _socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return LinuxNative.SendMultipleMessages((int)handle.DangerousGetHandle(), messages, (uint)count, LinuxNative.MsgDontWait);
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    internal void CountSent(int bytes) => _counters.OnSent(bytes);

    internal void CountSendFailed() => _counters.OnDropped(DropReason.SendFailed);

    private unsafe bool TrySendNative(ReadOnlySpan<byte> datagram, SocketAddress address)
    {
        var handle = _socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            fixed (byte* data = datagram)
            fixed (byte* sockaddr = address.Buffer.Span)
            {
                var descriptor = (int)handle.DangerousGetHandle();
                return LinuxNative.SendTo(descriptor, data, (nuint)datagram.Length, LinuxNative.MsgDontWait, sockaddr, address.Size) == datagram.Length;
            }
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private bool TrySendManaged(ReadOnlySpan<byte> datagram, SocketAddress address)
    {
        try
        {
            return _socket.SendTo(datagram, SocketFlags.None, address) == datagram.Length;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        // No waiting for the loop: Dispose may run on the loop itself (a transport closing from OnPacket), and the
        // runtime aborts a blocking receive when it closes the socket.
        _stopping.Cancel();
        _socket.Dispose();
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferLength, pinned: true);
        var remote = new SocketAddress(_socket.AddressFamily);
        while (!_stopping.IsCancellationRequested)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer, SocketFlags.None, remote);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (!_stopping.IsCancellationRequested)
            {
                // ICMP unreachable from an earlier send (Windows), a datagram larger than the buffer, or another
                // per-datagram error: one bad datagram must not stop the port for every transport.
                continue;
            }
            catch (SocketException)
            {
                return;
            }

            var arrivalTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
            _counters.OnReceived(received);
            if (received > _maxPacketSize)
            {
                _counters.OnDropped(DropReason.TooLarge);
                continue;
            }

            if (!TransportTuple.TryCreate(TransportProtocol.Udp, remote, LocalPort, out var from))
            {
                _counters.OnDropped(DropReason.Malformed);
                continue;
            }

            try
            {
                _handler.OnDatagram(buffer.AsSpan(0, received), from, arrivalTimestamp);
            }
            catch (Exception)
            {
                // A bug in demultiplexing must cost one datagram, not the port of every transport (or the process).
                _counters.OnDropped(DropReason.TransportError);
            }
        }
    }
}
