using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Parley.Media.Routing;

namespace Parley.Media.Net;

/// <summary>
/// One UDP socket of a transport. On Linux the worker's event loop watches it and reads it on the worker thread; elsewhere
/// a receive loop on the runtime's socket engine reads each datagram into a buffer rented from the worker's pool and
/// posts it to the worker. Sending happens on the worker thread, synchronously, to an address the transport keeps.
/// </summary>
internal sealed class UdpChannel : IDisposable, IWorkerReadable
{
    /// <summary>Datagrams read per readiness before the loop turns to other sockets, queued work and timers.</summary>
    private const int ReadsPerTurn = 32;
    private const int MsgTrunc = 0x20;
    private const int SocketAddressBytes = 28;

    private const int SocketBufferBytes = 4 * 1024 * 1024;
    private readonly Socket _socket;
    private readonly Worker _worker;
    private readonly CancellationTokenSource _stopping = new();
    private readonly int _descriptor;
    private IDatagramSink? _sink;
    private SocketAddress? _connectedTo;
    private ulong _watchKey; // 0 while the worker does not watch the socket (the waiter's keys start at 1)
    private int _disposed;
    private bool _timestamped;

    private UdpChannel(Socket socket, Worker worker)
    {
        _socket = socket;
        _worker = worker;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _descriptor = OperatingSystem.IsLinux() ? (int)socket.SafeHandle.DangerousGetHandle() : -1;
        if (_descriptor >= 0 && LinuxNative.HasArrivalTimestamps)
        {
            // The arrival time of each datagram, so that one that waited too long in the socket's queue is dropped
            // unread by a worker that fell behind (OverloadShedding) rather than forwarded late.
            socket.SetRawSocketOption(LinuxNative.SolSocket, LinuxNative.SoTimestampNs, [1, 0, 0, 0]);
            _timestamped = true;
        }

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
        if (_descriptor >= 0 && _worker.Waiter.TryWatch(_descriptor, this, out _watchKey))
        {
            return;
        }

        _ = ReceiveLoopAsync();
    }

    /// <summary>
    /// On the worker thread, when the socket is readable: reads and hands over datagrams until none is left or the turn
    /// is used up (level-triggered, so the rest is read on the next turn). A datagram that fills the whole buffer may
    /// have been cut short and is dropped, on both receive paths.
    /// </summary>
    unsafe void IWorkerReadable.OnReadable()
    {
        var buffer = _worker.ReceiveScratch;
        var address = stackalloc byte[SocketAddressBytes];
        var control = stackalloc byte[LinuxNative.TimestampControlBytes];
        var localPort = (ushort)LocalEndPoint.Port;
        for (var i = 0; i < ReadsPerTurn && _disposed == 0; i++)
        {
            var addressLength = SocketAddressBytes;
            nint received;
            nuint controlLength = 0;
            fixed (byte* data = buffer)
            {
                if (_timestamped)
                {
                    var vector = new LinuxNative.IoVector { Base = data, Length = (nuint)buffer.Length };
                    var message = new LinuxNative.MessageHeader
                    {
                        Name = address,
                        NameLength = SocketAddressBytes,
                        Vectors = &vector,
                        VectorCount = 1,
                        Control = control,
                        ControlLength = LinuxNative.TimestampControlBytes,
                    };
                    received = LinuxNative.ReceiveMessage(_descriptor, &message, LinuxNative.MsgDontWait | MsgTrunc);
                    addressLength = message.NameLength;
                    controlLength = message.ControlLength;
                }
                else
                {
                    received = LinuxNative.ReceiveFrom(_descriptor, data, (nuint)buffer.Length, LinuxNative.MsgDontWait | MsgTrunc, address, &addressLength);
                }
            }

            if (received < 0)
            {
                return;
            }

            if (controlLength > 0
                && LinuxNative.TryReadTimestamp(control, controlLength, out var arrivedAt)
                && _worker.SocketShedding.IsTooLate(arrivedAt, LinuxNative.UnixNanosecondsNow()))
            {
                _worker.OnOverloadDrop(OverloadDropReason.SocketBacklog);
                continue;
            }

            if (received >= buffer.Length
                || !TransportTuple.TryCreate(TransportProtocol.Udp, new ReadOnlySpan<byte>(address, Math.Min(addressLength, SocketAddressBytes)), localPort, out var from))
            {
                continue;
            }

            _worker.AdvanceClock();
            try
            {
                _sink!.OnDatagram(buffer.AsSpan(0, (int)received), from, arrivalTimestamp: 0);
            }
            catch (Exception e)
            {
                _worker.OnDatagramFault(e);
            }

            _worker.FlushSends();
        }
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
            fixed (byte* data = datagram)
            {
                if (ReferenceEquals(to, _connectedTo))
                {
                    return LinuxNative.SendTo(_descriptor, data, (nuint)datagram.Length, LinuxNative.MsgDontWait, null, 0) == datagram.Length;
                }

                fixed (byte* sockaddr = to.Buffer.Span)
                {
                    return LinuxNative.SendTo(_descriptor, data, (nuint)datagram.Length, LinuxNative.MsgDontWait, sockaddr, to.Size) == datagram.Length;
                }
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

    /// <summary>
    /// Fixes the socket's remote address (Linux, native sends only): the kernel then keeps the route instead of looking
    /// it up on every send (about a tenth of a forwarded copy's cost), and drops datagrams from any other address
    /// before they reach the worker. Sends to <paramref name="remote"/> (the same instance) then carry no address.
    /// </summary>
    public unsafe bool TryConnect(SocketAddress remote)
    {
        if (_descriptor < 0 || _disposed != 0)
        {
            return false;
        }

        fixed (byte* sockaddr = remote.Buffer.Span)
        {
            if (LinuxNative.Connect(_descriptor, sockaddr, remote.Size) != 0)
            {
                return false;
            }
        }

        _connectedTo = remote;
        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_watchKey != 0)
        {
            _worker.Waiter.Unwatch(_descriptor, _watchKey);
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

            if (received >= buffer.Length || !TransportTuple.TryCreate(TransportProtocol.Udp, remote, localPort, out var from))
            {
                _worker.Buffers.Return(buffer);
                continue;
            }

            _worker.PostDatagram(_sink!, buffer, received, from, Stopwatch.GetTimestamp());
        }
    }
}
