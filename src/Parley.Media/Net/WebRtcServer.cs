using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Parley.Media.Ice;
using Parley.Media.Stun;

namespace Parley.Media.Net;

/// <summary>
/// Shares one UDP port and one TCP port (the same number) among all WebRTC transports of the process, the way
/// mediasoup's WebRtcServer does. A UDP packet reaches its transport by the ufrag in a STUN request's USERNAME,
/// otherwise by the tuple it came from once that tuple passed a valid ICE check. A TCP connection (RFC 6544
/// passive, RFC 4571 framing) carries STUN to the transport its first STUN request names, and its other packets
/// once that transport's ICE agent validated a check on it; <see cref="TcpConnectionTable"/> keeps the limits
/// and timeouts of TCP connections. Transports may instead
/// ask for a UDP port of their own from <see cref="WebRtcServerOptions.DedicatedPortMin"/>..<see cref="WebRtcServerOptions.DedicatedPortMax"/>.
/// </summary>
public sealed class WebRtcServer : IUdpDatagramHandler, IDisposable
{
    private const int EphemeralBindAttempts = 16;

    private readonly WebRtcServerOptions _options;
    private readonly TcpConnectionTable _tcpConnections;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _registrationLock = new();
    private readonly string _announcedAddress;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<WebRtcServerRegistration, byte> _registrations = new();
    private ITimer? _tickTimer;
    private UdpSocketListener? _udp;
    private Socket? _tcpListener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _nextDedicatedPort;
    private bool _disposed;

    /// <summary>Creates a server; nothing is bound until <see cref="Start"/>.</summary>
    /// <param name="options">Ports, addresses and limits.</param>
    /// <param name="timeProvider">The clock for ticks and consent (the system clock by default; tests pass a fake one).</param>
    public WebRtcServer(WebRtcServerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider ?? TimeProvider.System;
        options.Validate();
        _options = options;
        var listenAll = options.ListenAddress.Equals(IPAddress.Any) || options.ListenAddress.Equals(IPAddress.IPv6Any);
        if (listenAll && string.IsNullOrWhiteSpace(options.AnnouncedAddress))
        {
            throw new ArgumentException("AnnouncedAddress is required when listening on all interfaces.", nameof(options));
        }

        _announcedAddress = string.IsNullOrWhiteSpace(options.AnnouncedAddress) ? options.ListenAddress.ToString() : options.AnnouncedAddress;
        _nextDedicatedPort = options.DedicatedPortMin;
        _tcpConnections = new TcpConnectionTable(options, Counters);
    }

    /// <summary>Traffic and drop counters.</summary>
    internal WebRtcServerCounters Counters { get; } = new();

    /// <summary>The bound UDP port (0 if UDP is disabled or the server is not started).</summary>
    public int UdpPort => _udp?.LocalPort ?? 0;

    /// <summary>The bound TCP port (0 if TCP is disabled or the server is not started).</summary>
    public int TcpPort => _tcpListener is null ? 0 : ((IPEndPoint)_tcpListener.LocalEndPoint!).Port;

    /// <summary>The host candidates of the shared ports, UDP first, on the announced address.</summary>
    public IReadOnlyList<IceCandidate> LocalCandidates { get; private set; } = [];

    /// <summary>Open TCP connections, bound to a transport or not yet.</summary>
    public int TcpConnectionCount => _tcpConnections.Count;

    internal PacketRouter Router { get; } = new();

    internal long NowMilliseconds => (long)_timeProvider.GetElapsedTime(0).TotalMilliseconds;

    /// <summary>Binds the sockets and starts the I/O loops; throws <see cref="SocketException"/> if the port is taken.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_udp is not null || _tcpListener is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }

        BindSharedPorts();
        _udp?.Start();
        if (_tcpListener is not null)
        {
            _acceptLoop = Task.Run(AcceptLoopAsync);
        }

        var candidates = new List<IceCandidate>(2);
        if (_udp is not null)
        {
            candidates.Add(IceCandidate.CreateHost(TransportProtocol.Udp, _announcedAddress, _options.AnnouncedPort ?? UdpPort));
        }

        if (_tcpListener is not null)
        {
            candidates.Add(IceCandidate.CreateHost(TransportProtocol.Tcp, _announcedAddress, _options.AnnouncedPort ?? TcpPort));
        }

        LocalCandidates = candidates;
        Diagnostics.MediaMetrics.Registry.Add(this);
        _tickTimer = _timeProvider.CreateTimer(static state => ((WebRtcServer)state!).Tick(), this, _options.TickInterval, _options.TickInterval);
    }

    /// <summary>
    /// Registers a transport under its current ufrag. With <paramref name="dedicatedUdpPort"/> it gets a UDP
    /// port of its own instead of the shared ones (and is not reachable on the shared ports).
    /// </summary>
    internal WebRtcServerRegistration Register(IWebRtcServerTransport transport, bool dedicatedUdpPort = false)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (LocalCandidates.Count == 0)
        {
            throw new InvalidOperationException("Start the server before registering transports.");
        }

        var ufrag = transport.LocalUsernameFragment;
        ArgumentException.ThrowIfNullOrEmpty(ufrag);
        var registration = new WebRtcServerRegistration(this, transport, ufrag);
        if (dedicatedUdpPort)
        {
            var listener = BindDedicatedPort(registration);
            registration.AttachDedicatedUdp(listener, [IceCandidate.CreateHost(TransportProtocol.Udp, _announcedAddress, listener.LocalPort)]);
            listener.Start();
        }
        else if (Router.TryAddUfrag(ufrag, registration))
        {
            registration.SetSharedCandidates(LocalCandidates);
        }
        else
        {
            throw new InvalidOperationException("Another transport already uses this ICE username fragment.");
        }

        _registrations[registration] = 0;
        return registration;
    }

    /// <summary>Stops the I/O loops, closes all sockets and connections.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Diagnostics.MediaMetrics.Registry.Remove(this);
        _tickTimer?.Dispose();
        _stopping.Cancel();
        foreach (var registration in _registrations.Keys)
        {
            registration.Dispose();
        }

        _udp?.Dispose();
        _tcpListener?.Dispose();
        foreach (var connection in _tcpConnections.Connections)
        {
            connection.Dispose();
        }

        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends by the listener closing under it.
        }

        _stopping.Dispose();
    }

    void IUdpDatagramHandler.OnDatagram(ReadOnlySpan<byte> datagram, in TransportTuple from, long arrivalTimestamp)
    {
        var kind = PacketDemux.Classify(datagram);
        var registration = Router.Route(datagram, kind, from, out var reason);
        if (registration is null)
        {
            Counters.OnDropped(reason);
            return;
        }

        registration.Deliver(datagram, from, kind, arrivalTimestamp);
    }

    internal void Unregister(WebRtcServerRegistration registration)
    {
        _registrations.TryRemove(registration, out _);
        Router.RemoveUfrag(registration.UsernameFragment, registration);
    }

    /// <summary>Gives every registered transport its periodic tick and expires TCP connections; the timer calls it, tests may too.</summary>
    internal void Tick()
    {
        var now = NowMilliseconds;
        foreach (var registration in _registrations.Keys)
        {
            registration.Tick(now);
        }

        _tcpConnections.Sweep(now);
    }

    /// <summary>A transport's ICE agent validated a check on a TCP connection; false when the connection may not be bound to it.</summary>
    internal bool TryBindTcp(WebRtcServerRegistration registration, in TransportTuple tuple) =>
        _tcpConnections.TryBind(registration, tuple, NowMilliseconds);

    internal void CloseTcp(TcpFramedConnection connection, TcpCloseReason reason) => _tcpConnections.Close(connection, reason);

    /// <summary>The shared UDP socket, when <paramref name="to"/> is on it.</summary>
    internal UdpSocketListener? UdpSocketFor(in TransportTuple to) => _udp is not null && to.LocalPort == _udp.LocalPort ? _udp : null;

    internal bool SendUdp(ReadOnlySpan<byte> datagram, in TransportTuple to)
    {
        if (_udp is null || to.LocalPort != _udp.LocalPort)
        {
            return DropSend();
        }

        return _udp.SendTo(datagram, to);
    }

    internal bool SendTcp(TcpFramedConnection connection, ReadOnlySpan<byte> packet)
    {
        if (!connection.Send(packet))
        {
            return DropSend();
        }

        Counters.OnSent(packet.Length);
        return true;
    }

    internal bool DropSend()
    {
        Counters.OnDropped(DropReason.SendFailed);
        return false;
    }

    private void BindSharedPorts()
    {
        var attempts = _options.Port == 0 ? EphemeralBindAttempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            UdpSocketListener? udp = null;
            Socket? tcp = null;
            try
            {
                var port = _options.Port;
                if (_options.EnableUdp)
                {
                    udp = UdpSocketListener.Bind(_options.ListenAddress, port, this, Counters, _options.MaxPacketSize);
                    port = udp.LocalPort;
                }

                if (_options.EnableTcp)
                {
                    tcp = BindTcpListener(port);
                }

                (_udp, _tcpListener) = (udp, tcp);
                return;
            }
            catch (SocketException) when (attempt < attempts)
            {
                // The ephemeral UDP port's number was taken on TCP: try another number.
                udp?.Dispose();
                tcp?.Dispose();
            }
            catch
            {
                udp?.Dispose();
                tcp?.Dispose();
                throw;
            }
        }
    }

    private Socket BindTcpListener(int port)
    {
        var socket = new Socket(_options.ListenAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_options.ListenAddress.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(_options.ListenAddress, port));
            socket.Listen(256);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private UdpSocketListener BindDedicatedPort(WebRtcServerRegistration registration)
    {
        if (_options.DedicatedPortMin == 0 && _options.DedicatedPortMax == 0)
        {
            return UdpSocketListener.Bind(_options.ListenAddress, 0, registration, Counters, _options.MaxPacketSize);
        }

        lock (_registrationLock)
        {
            var span = _options.DedicatedPortMax - _options.DedicatedPortMin + 1;
            for (var tried = 0; tried < span; tried++)
            {
                var port = _nextDedicatedPort;
                _nextDedicatedPort = port == _options.DedicatedPortMax ? _options.DedicatedPortMin : port + 1;
                try
                {
                    return UdpSocketListener.Bind(_options.ListenAddress, port, registration, Counters, _options.MaxPacketSize);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    // Taken by another process or transport: try the next port of the range.
                }
            }
        }

        throw new InvalidOperationException($"No free UDP port in {_options.DedicatedPortMin}-{_options.DedicatedPortMax}.");
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stopping.Token;
        var localPort = (ushort)TcpPort;
        long acceptSequence = 0;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _tcpListener!.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (!token.IsCancellationRequested)
            {
                continue;
            }
            catch (SocketException)
            {
                return;
            }

            TcpFramedConnection connection;
            try
            {
                connection = new TcpFramedConnection(socket, localPort, ++acceptSequence, NowMilliseconds, token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                socket.Dispose();
                continue;
            }

            if (!_tcpConnections.TryAdmit(connection))
            {
                continue;
            }

            _ = Task.Run(() => RunConnectionAsync(connection), CancellationToken.None);
        }
    }

    private async Task RunConnectionAsync(TcpFramedConnection connection)
    {
        try
        {
            await connection.RunAsync(OnTcpFrame).ConfigureAwait(false);
        }
        finally
        {
            _tcpConnections.Remove(connection);
            connection.Registration?.OnTcpClosed(connection);
        }
    }

    /// <summary>One frame from a TCP connection; returns false to close the connection.</summary>
    private bool OnTcpFrame(TcpFramedConnection connection, ReadOnlyMemory<byte> frame)
    {
        var arrivalTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        var packet = frame.Span;
        Counters.OnReceived(packet.Length);
        if (packet.Length > _options.MaxPacketSize)
        {
            Counters.OnDropped(DropReason.TooLarge);
            return true;
        }

        var kind = PacketDemux.Classify(packet);
        if (kind == PacketKind.Unknown)
        {
            Counters.OnDropped(DropReason.Malformed);
            return true;
        }

        var registration = connection.Registration;
        if (registration is null)
        {
            if (!TryBindConnection(connection, packet, kind, out registration, out var reason))
            {
                Counters.OnDropped(reason);
                return true;
            }
        }

        if (registration.IsDisposed || connection.IsClosed)
        {
            return false;
        }

        var bound = registration.IsTupleBound(connection.Tuple);
        if (kind != PacketKind.Stun && !bound)
        {
            // The connection named a transport but has not passed a valid check yet.
            Counters.OnDropped(DropReason.UnknownTuple);
            return true;
        }

        if (bound)
        {
            connection.MarkActive(NowMilliseconds);
        }

        registration.Deliver(packet, connection.Tuple, kind, arrivalTimestamp);
        return !connection.IsClosed;
    }

    private bool TryBindConnection(TcpFramedConnection connection, ReadOnlySpan<byte> packet, PacketKind kind, out WebRtcServerRegistration registration, out DropReason reason)
    {
        registration = null!;
        if (kind != PacketKind.Stun)
        {
            reason = DropReason.UnknownTuple;
            return false;
        }

        if (!StunMessage.TryParse(packet, out var message))
        {
            reason = DropReason.Malformed;
            return false;
        }

        if (message.Class != StunClass.Request || !message.HasUsername || !Router.TryGetByUsername(message.Username, out registration))
        {
            reason = DropReason.UnknownUsernameFragment;
            return false;
        }

        // Naming a transport only lets the connection's STUN reach it; the connection is bound (and kept) only when
        // the transport's ICE agent validates a check on it (WebRtcServerRegistration.BindTuple).
        reason = default;
        connection.Registration = registration;
        registration.AttachTcp(connection);
        return true;
    }
}
