using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Parley.Media.Routing;

namespace Parley.Media.Net;

/// <summary>
/// One UDP socket of a transport. Its receive loop (on the runtime's socket engine, not the worker) reads each
/// datagram straight into a buffer rented from the worker's pool and posts it to the worker; sending happens on the
/// worker thread, synchronously, to a destination address the transport keeps.
/// </summary>
internal sealed partial class UdpChannel : IDisposable
{
    private const int SocketBufferBytes = 4 * 1024 * 1024;
    private readonly Socket _socket;
    private readonly Worker _worker;
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _descriptor;
    private IDatagramSink? _sink;
    private int _disposed;

    private UdpChannel(Socket socket, Worker worker)
    {
        _socket = socket;
        _worker = worker;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _descriptor = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("PARLEY_MANAGED_SENDTO") is null
            ? (int)socket.SafeHandle.DangerousGetHandle()
            : -1;
        worker.OnChannelOpened();
    }

    public IPEndPoint LocalEndPoint { get; }

    public AddressFamily AddressFamily => _socket.AddressFamily;

    /// <summary>Binds to <paramref name="address"/>:<paramref name="port"/> (0 = ephemeral).</summary>
    public static UdpChannel Bind(Worker worker, IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = SocketBufferBytes;
            socket.SendBufferSize = SocketBufferBytes;
            socket.Bind(new IPEndPoint(address, port));
            return new UdpChannel(socket, worker);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Start(IDatagramSink sink)
    {
        _sink = sink;
        _ = ReceiveLoopAsync();
    }

    /// <summary>
    /// Sends one datagram; false when the kernel refused it (the caller counts it). On Linux this is one plain
    /// <c>sendto</c> on the socket's descriptor: the forwarding hot path, where <c>Socket.SendTo</c>'s handle
    /// reference counting, argument checks and exception plumbing cost about as much as the copy itself. Safe because
    /// sends and <see cref="Dispose"/> both run on the worker thread.
    /// </summary>
    public unsafe bool SendTo(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        if (_disposed != 0)
        {
            return false;
        }

        if (_descriptor >= 0)
        {
            var address = to.Buffer.Span;
            fixed (byte* data = datagram)
            fixed (byte* sockaddr = address)
            {
                return SendToNative(_descriptor, data, (nuint)datagram.Length, MsgDontWait, sockaddr, to.Size) == datagram.Length;
            }
        }

        try
        {
            return _socket.SendTo(datagram, SocketFlags.None, to) == datagram.Length;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private const int MsgDontWait = 0x40;

    [LibraryImport("libc", EntryPoint = "sendto")]
    private static unsafe partial nint SendToNative(int descriptor, byte* buffer, nuint length, int flags, byte* address, int addressLength);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _socket.Dispose();
        _worker.OnChannelClosed();
    }

    private async Task ReceiveLoopAsync()
    {
        var remote = new SocketAddress(_socket.AddressFamily);
        var token = _stopping.Token;
        var localPort = (ushort)LocalEndPoint.Port;
        while (!token.IsCancellationRequested)
        {
            var buffer = _worker.Buffers.Rent();
            int received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, remote, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                _worker.Buffers.Return(buffer);
                return;
            }
            catch (SocketException) when (!token.IsCancellationRequested)
            {
                // An ICMP error from an earlier send or a datagram too large: one bad datagram must not stop the socket.
                _worker.Buffers.Return(buffer);
                continue;
            }
            catch (SocketException)
            {
                _worker.Buffers.Return(buffer);
                return;
            }

            if (!TransportTuple.TryCreate(TransportProtocol.Udp, remote, localPort, out var from))
            {
                _worker.Buffers.Return(buffer);
                continue;
            }

            _worker.PostDatagram(_sink!, buffer, received, from);
        }
    }
}
