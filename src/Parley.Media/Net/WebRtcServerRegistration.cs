using System.Collections.Concurrent;
using Parley.Media.Ice;

namespace Parley.Media.Net;

/// <summary>
/// A transport's handle on a <see cref="WebRtcServer"/>: sends to tuples, tells the server which tuples are
/// the transport's (after ICE validated them), follows ufrag changes on ICE restart, and unregisters on
/// dispose. Packets for the transport are delivered under <see cref="Gate"/>. See <see cref="IWebRtcServerTransport"/>.
/// </summary>
internal sealed class WebRtcServerRegistration : IUdpDatagramHandler, IDisposable
{
    private readonly WebRtcServer _server;
    private readonly ConcurrentDictionary<TransportTuple, byte> _boundTuples = new();
    private readonly ConcurrentDictionary<TransportTuple, TcpFramedConnection> _tcpConnections = new();
    private UdpSocketListener? _dedicatedUdp;
    private volatile bool _disposed;

    internal WebRtcServerRegistration(WebRtcServer server, IWebRtcServerTransport transport, string usernameFragment)
    {
        _server = server;
        Transport = transport;
        UsernameFragment = usernameFragment;
    }

    public IWebRtcServerTransport Transport { get; }

    /// <summary>Serializes everything that touches the transport: packet delivery and the transport's own timers.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The ufrag that routes STUN requests to this transport.</summary>
    public string UsernameFragment { get; private set; }

    /// <summary>The host candidates to signal for this transport: its dedicated UDP port, or the server's shared ones.</summary>
    public IReadOnlyList<IceCandidate> LocalCandidates { get; private set; } = [];

    /// <summary>The dedicated UDP port, or 0 when the transport uses the shared port.</summary>
    public int DedicatedUdpPort => _dedicatedUdp?.LocalPort ?? 0;

    public bool IsDisposed => _disposed;

    /// <summary>The server's monotonic clock in milliseconds; use it for ICE checks so they agree with <see cref="IWebRtcServerTransport.OnTick"/>.</summary>
    public long NowMilliseconds => _server.NowMilliseconds;

    /// <summary>Sends one packet to <paramref name="to"/> (a UDP datagram or a framed TCP write); false if it could not.</summary>
    public bool Send(ReadOnlySpan<byte> packet, in TransportTuple to)
    {
        if (_disposed)
        {
            return false;
        }

        if (to.Protocol == TransportProtocol.Tcp)
        {
            return _tcpConnections.TryGetValue(to, out var connection) ? _server.SendTcp(connection, packet) : _server.DropSend();
        }

        if (_dedicatedUdp is not null && to.LocalPort == _dedicatedUdp.LocalPort)
        {
            return _dedicatedUdp.SendTo(packet, to);
        }

        return _server.SendUdp(packet, to);
    }

    /// <summary>
    /// Routes packets from <paramref name="tuple"/> to this transport; call when ICE validated it. Until then only
    /// STUN reaches the transport from that tuple, over UDP and over a TCP connection alike.
    /// </summary>
    public void BindTuple(in TransportTuple tuple)
    {
        if (_disposed)
        {
            return;
        }

        if (tuple.Protocol == TransportProtocol.Tcp && !_server.TryBindTcp(this, tuple))
        {
            return;
        }

        _boundTuples[tuple] = 0;
        if (_dedicatedUdp is null && tuple.Protocol == TransportProtocol.Udp)
        {
            _server.Router.BindTuple(tuple, this);
        }
    }

    /// <summary>Stops routing packets from <paramref name="tuple"/>, closing its TCP connection; call when its ICE consent expired.</summary>
    public void UnbindTuple(in TransportTuple tuple)
    {
        _boundTuples.TryRemove(tuple, out _);
        _server.Router.UnbindTuple(tuple, this);
        if (tuple.Protocol == TransportProtocol.Tcp && _tcpConnections.TryGetValue(tuple, out var connection))
        {
            _server.CloseTcp(connection, TcpCloseReason.ConsentWithdrawn);
        }
    }

    public bool IsTupleBound(in TransportTuple tuple) => _boundTuples.ContainsKey(tuple);

    /// <summary>After an ICE restart: STUN requests with <paramref name="newUfrag"/> route here, the old ufrag no longer does.</summary>
    public void ChangeUsernameFragment(string newUfrag)
    {
        ArgumentException.ThrowIfNullOrEmpty(newUfrag);
        if (_disposed || newUfrag == UsernameFragment)
        {
            return;
        }

        if (_dedicatedUdp is null && !_server.Router.TryAddUfrag(newUfrag, this))
        {
            throw new InvalidOperationException("Another transport already uses this ICE username fragment.");
        }

        if (_dedicatedUdp is null)
        {
            _server.Router.RemoveUfrag(UsernameFragment, this);
        }

        UsernameFragment = newUfrag;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _server.Unregister(this);
        foreach (var tuple in _boundTuples.Keys)
        {
            _server.Router.UnbindTuple(tuple, this);
        }

        _boundTuples.Clear();
        foreach (var connection in _tcpConnections.Values)
        {
            connection.Dispose();
        }

        _tcpConnections.Clear();
        _dedicatedUdp?.Dispose();
    }

    internal void AttachDedicatedUdp(UdpSocketListener listener, IReadOnlyList<IceCandidate> candidates)
    {
        _dedicatedUdp = listener;
        LocalCandidates = candidates;
    }

    internal void SetSharedCandidates(IReadOnlyList<IceCandidate> candidates) => LocalCandidates = candidates;

    internal void AttachTcp(TcpFramedConnection connection) => _tcpConnections[connection.Tuple] = connection;

    internal void OnTcpClosed(TcpFramedConnection connection)
    {
        if (!_tcpConnections.TryRemove(new KeyValuePair<TransportTuple, TcpFramedConnection>(connection.Tuple, connection)) || _disposed)
        {
            return;
        }

        _boundTuples.TryRemove(connection.Tuple, out _);

        lock (Gate)
        {
            try
            {
                Transport.OnTupleClosed(connection.Tuple);
            }
            catch (Exception)
            {
                _server.Counters.OnDropped(DropReason.TransportError);
            }
        }
    }

    internal void Tick(long nowMilliseconds)
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                Transport.OnTick(nowMilliseconds);
            }
            catch (Exception)
            {
                _server.Counters.OnDropped(DropReason.TransportError);
            }
        }
    }

    /// <summary>Hands one packet to the transport, one at a time; a throwing transport costs a counted drop, not the I/O loop.</summary>
    internal void Deliver(ReadOnlySpan<byte> packet, in TransportTuple from, PacketKind kind)
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                Transport.OnPacket(packet, from, kind);
            }
            catch (Exception)
            {
                _server.Counters.OnDropped(DropReason.TransportError);
            }
        }
    }

    /// <summary>A datagram on this transport's dedicated port: STUN always reaches the transport, the rest only from bound tuples.</summary>
    void IUdpDatagramHandler.OnDatagram(ReadOnlySpan<byte> datagram, in TransportTuple from)
    {
        var kind = PacketDemux.Classify(datagram);
        if (kind == PacketKind.Unknown)
        {
            _server.Counters.OnDropped(DropReason.Malformed);
        }
        else if (kind == PacketKind.Stun || _boundTuples.ContainsKey(from))
        {
            Deliver(datagram, from, kind);
        }
        else
        {
            _server.Counters.OnDropped(DropReason.UnknownTuple);
        }
    }
}
