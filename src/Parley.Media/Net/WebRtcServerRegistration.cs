using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Parley.Media.Ice;
using Parley.Media.Routing;

namespace Parley.Media.Net;

/// <summary>
/// A transport's handle on a <see cref="WebRtcServer"/>: sends to tuples, tells the server which tuples are
/// the transport's (after ICE validated them), follows ufrag changes on ICE restart, and unregisters on
/// dispose. Packets for a transport owned by a worker are copied into one of the worker's buffers and queued to it,
/// still encrypted: the worker does the rest. See <see cref="IWebRtcServerTransport"/>.
/// </summary>
internal sealed class WebRtcServerRegistration : IUdpDatagramHandler, IDatagramSink, IDisposable
{
    private readonly WebRtcServer _server;
    private readonly Worker? _worker;
    private readonly TickCall? _tickCall;
    private readonly ConcurrentDictionary<TransportTuple, byte> _boundTuples = new();
    private readonly ConcurrentDictionary<TransportTuple, TcpFramedConnection> _tcpConnections = new();
    private UdpSocketListener? _dedicatedUdp;
    private volatile bool _disposed;

    internal WebRtcServerRegistration(WebRtcServer server, IWebRtcServerTransport transport, string usernameFragment)
    {
        _server = server;
        Transport = transport;
        UsernameFragment = usernameFragment;
        _worker = transport.Worker;
        _tickCall = _worker is null ? null : new TickCall(this);
    }

    public IWebRtcServerTransport Transport { get; }

    /// <summary>
    /// For a transport without a worker only: serializes packet delivery and ticks from the I/O loops. A transport owned
    /// by a worker is only ever called on that worker's thread and needs no lock.
    /// </summary>
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

    /// <summary>The UDP socket a send to <paramref name="to"/> leaves from (the shared port's or the dedicated one); null for TCP.</summary>
    internal UdpSocketListener? UdpSocketFor(in TransportTuple to)
    {
        if (_disposed || to.Protocol != TransportProtocol.Udp)
        {
            return null;
        }

        return _dedicatedUdp is not null && to.LocalPort == _dedicatedUdp.LocalPort ? _dedicatedUdp : _server.UdpSocketFor(to);
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
        var tuple = connection.Tuple;
        if (_worker is not null)
        {
            _ = _worker.InvokeAsync(() =>
            {
                if (!_disposed)
                {
                    Transport.OnTupleClosed(tuple);
                }
            });
            return;
        }

        lock (Gate)
        {
            try
            {
                Transport.OnTupleClosed(tuple);
            }
            catch (Exception)
            {
                _server.Counters.OnDropped(DropReason.TransportError);
            }
        }
    }

    /// <summary>On the server's tick timer: the transport's tick runs on its worker (queued) or here under the gate.</summary>
    internal void Tick(long nowMilliseconds)
    {
        if (_disposed)
        {
            return;
        }

        if (_worker is not null)
        {
            _worker.Post(_tickCall!);
            return;
        }

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

    /// <summary>
    /// Hands one packet to the transport: to a worker-owned one by a copy into a worker buffer and one queue hop, no
    /// lock and nothing decrypted here; to a transport without a worker inline, one at a time. A throwing transport
    /// costs a counted drop, not the I/O loop.
    /// </summary>
    internal void Deliver(ReadOnlySpan<byte> packet, in TransportTuple from, PacketKind kind, long arrivalTimestamp)
    {
        if (_disposed)
        {
            return;
        }

        if (_worker is { } worker)
        {
            if (packet.Length > PacketBufferPool.BufferLength)
            {
                _server.Counters.OnDropped(DropReason.TooLarge);
                return;
            }

            var buffer = worker.Buffers.Rent();
            packet.CopyTo(buffer);

            // Only RTP is shed when the worker falls behind (OverloadShedding): a late STUN check or DTLS flight still
            // matters, and they are few; RTCP is the receivers' feedback (NACK, PLI, transport-cc), each one cheap to
            // handle, and one shed is sent again or turns into a keyframe request. Without an arrival time a queued
            // datagram is never shed.
            var media = kind is PacketKind.Rtp;
            worker.PostDatagram(this, buffer, packet.Length, from, media ? arrivalTimestamp : 0);
            return;
        }

        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                // The I/O loops' receive buffers are their own; the transport may decrypt in place.
                Transport.OnPacket(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(packet), packet.Length), from, kind, arrivalTimestamp);
            }
            catch (Exception)
            {
                _server.Counters.OnDropped(DropReason.TransportError);
            }
        }
    }

    /// <summary>On the worker: a queued packet reaches the transport (the worker guards and counts a throwing one).</summary>
    void IDatagramSink.OnDatagram(Span<byte> datagram, in TransportTuple from, long arrivalTimestamp)
    {
        if (!_disposed)
        {
            Transport.OnPacket(datagram, from, PacketDemux.Classify(datagram), arrivalTimestamp);
        }
    }

    /// <summary>A datagram on this transport's dedicated port: STUN always reaches the transport, the rest only from bound tuples.</summary>
    void IUdpDatagramHandler.OnDatagram(ReadOnlySpan<byte> datagram, in TransportTuple from, long arrivalTimestamp)
    {
        var kind = PacketDemux.Classify(datagram);
        if (kind == PacketKind.Unknown)
        {
            _server.Counters.OnDropped(DropReason.Malformed);
        }
        else if (kind == PacketKind.Stun || _boundTuples.ContainsKey(from))
        {
            Deliver(datagram, from, kind, arrivalTimestamp);
        }
        else
        {
            _server.Counters.OnDropped(DropReason.UnknownTuple);
        }
    }

    /// <summary>The transport's tick as a worker call, one object per registration, reused every tick.</summary>
    private sealed class TickCall(WebRtcServerRegistration registration) : WorkerCallBase
    {
        public override void Execute()
        {
            if (!registration._disposed)
            {
                registration.Transport.OnTick(registration.NowMilliseconds);
            }
        }

        public override void Abandon()
        {
        }
    }
}
