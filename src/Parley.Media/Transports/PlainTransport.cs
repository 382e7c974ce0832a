using System.Net;
using System.Net.Sockets;
using Parley.Media.Net;
using Parley.Media.Rtc;
using Parley.Media.Routing;
using Parley.Media.Srtp;

namespace Parley.Media.Transports;

/// <summary>
/// Plain RTP/RTCP over UDP (mediasoup's PlainTransport), for RTP tools, recorders and gateways: one socket (two without
/// RTCP multiplexing), the remote address given with <see cref="ConnectAsync"/> or learned from the first datagram in
/// comedia mode. Datagrams from any other address are dropped: counted by the transport until the remote is known, and
/// by the kernel after that, because the socket is then connected to the remote (on Linux; it saves a route lookup per
/// send).
/// </summary>
public sealed class PlainTransport : Transport
{
    private readonly UdpChannel _rtp;
    private readonly UdpChannel? _rtcp;
    private readonly string _announcedAddress;
    private readonly RtcpSink? _rtcpSink;
    private SocketAddress? _remoteRtp;
    private SocketAddress? _remoteRtcp;
    private TransportTuple _remoteRtpTuple;
    private TransportTuple _remoteRtcpTuple;
    private readonly SrtpContext? _sendSrtp;
    private SrtpContext? _receiveSrtp;
    private bool _connected;

    private PlainTransport(Router router, PlainTransportOptions options, UdpChannel rtp, UdpChannel? rtcp)
        : base(router, options.AppData)
    {
        _rtp = rtp;
        _rtcp = rtcp;
        RtcpMux = options.RtcpMux;
        Comedia = options.Comedia;
        _announcedAddress = options.AnnouncedAddress ?? options.ListenIp.ToString();
        if (options.EnableSrtp)
        {
            SrtpParameters = SrtpParameters.Generate(options.SrtpCryptoSuite);
            _sendSrtp = SrtpParameters.CreateContext();
        }

        _rtp.Start(new RtpSink(this));
        if (_rtcp is not null)
        {
            _rtcpSink = new RtcpSink(this);
            _rtcp.Start(_rtcpSink);
        }
    }

    private protected override string StatsType => TransportStats.PlainTransportType;

    /// <summary>A plain receiver is configured from the consumer's parameters by the application itself (no SDP from mediasoup-client between).</summary>
    private protected override bool ConsumerParametersReachReceiverAsGiven => true;

    /// <summary>
    /// With SRTP: the keying this transport protects what it sends with; give it to the remote side, which answers
    /// with its own through <see cref="ConnectAsync"/>. Null without SRTP.
    /// </summary>
    public SrtpParameters? SrtpParameters { get; }

    /// <summary>True when RTCP shares the RTP socket.</summary>
    public bool RtcpMux { get; }

    /// <summary>True when the remote address is learned from the first datagram.</summary>
    public bool Comedia { get; }

    /// <summary>The RTP (and with <see cref="RtcpMux"/>, RTCP) address pair.</summary>
    public PlainTransportTuple Tuple => MakeTuple(_rtp, _remoteRtpTuple, _remoteRtp is not null);

    /// <summary>The RTCP address pair without <see cref="RtcpMux"/>; null with it.</summary>
    public PlainTransportTuple? RtcpTuple => _rtcp is null ? null : MakeTuple(_rtcp, _remoteRtcpTuple, _remoteRtcp is not null);

    /// <summary>
    /// Sets the remote RTP address (and the RTCP port without <see cref="RtcpMux"/>; default RTP port + 1) and, with
    /// SRTP, the remote's keying. A comedia transport takes no address (it learns it) but still needs the keying.
    /// </summary>
    /// <exception cref="InvalidOperationException">An address for a comedia transport, none for another, a second connect, or SRTP keying missing or unexpected.</exception>
    /// <exception cref="ArgumentException">Malformed SRTP keying.</exception>
    public Task ConnectAsync(IPAddress? address = null, int? port = null, int? rtcpPort = null, SrtpParameters? srtpParameters = null)
    {
        if ((srtpParameters is null) != (SrtpParameters is null))
        {
            throw new InvalidOperationException(SrtpParameters is null ? "SRTP is not enabled on this transport." : "SRTP parameters of the remote side are required.");
        }

        var receiveSrtp = srtpParameters?.CreateContext();
        return Worker.InvokeAsync(() =>
        {
            try
            {
                Connect(address, port, rtcpPort);
                _receiveSrtp = receiveSrtp;
            }
            catch
            {
                receiveSrtp?.Dispose();
                throw;
            }
        });
    }

    private void Connect(IPAddress? address, int? port, int? rtcpPort)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (_connected)
        {
            throw new InvalidOperationException("The transport is already connected.");
        }

        if (Comedia)
        {
            if (address is not null || port is not null)
            {
                throw new InvalidOperationException("A comedia transport learns its remote address; connect it with SRTP parameters only.");
            }

            _connected = true;
            return;
        }

        if (address is null || port is not { } remotePort)
        {
            throw new InvalidOperationException("The remote address and port are required.");
        }

        var rtpEndPoint = new IPEndPoint(MapFamily(address, _rtp.AddressFamily), remotePort);
        _remoteRtpTuple = TransportTuple.Create(TransportProtocol.Udp, rtpEndPoint, _rtp.LocalEndPoint.Port);
        _remoteRtp = rtpEndPoint.Serialize();
        _rtp.TryConnect(_remoteRtp);
        if (_rtcp is not null)
        {
            var rtcpEndPoint = new IPEndPoint(rtpEndPoint.Address, rtcpPort ?? remotePort + 1);
            _remoteRtcpTuple = TransportTuple.Create(TransportProtocol.Udp, rtcpEndPoint, _rtcp.LocalEndPoint.Port);
            _remoteRtcp = rtcpEndPoint.Serialize();
            _rtcp.TryConnect(_remoteRtcp);
        }

        _connected = true;
    }

    internal static PlainTransport Create(Router router, PlainTransportOptions options)
    {
        var rtp = UdpChannel.Bind(router.Worker, options.ListenIp, options.Port);
        UdpChannel? rtcp = null;
        try
        {
            if (!options.RtcpMux)
            {
                rtcp = UdpChannel.Bind(router.Worker, options.ListenIp, 0);
            }

            return new PlainTransport(router, options, rtp, rtcp);
        }
        catch
        {
            rtp.Dispose();
            rtcp?.Dispose();
            throw;
        }
    }

    internal override void SendRtp(ReadOnlySpan<byte> packet, bool isRetransmission = false)
    {
        var kind = isRetransmission ? TrafficKind.Rtx : TrafficKind.Rtp;
        if (_sendSrtp is null)
        {
            Send(_rtp, _remoteRtp, packet, kind);
            return;
        }

        var scratch = Worker.SrtpScratch.AsSpan();
        packet.CopyTo(scratch);
        if (_sendSrtp.ProtectRtp(scratch, packet.Length, out var length) != SrtpResult.Ok)
        {
            Counters.OnDropped(RtpDropReason.SendFailed);
            return;
        }

        Send(_rtp, _remoteRtp, scratch[..length], kind);
    }

    internal override void SendRtcp(ReadOnlySpan<byte> packet)
    {
        var channel = _rtcp ?? _rtp;
        var remote = _rtcp is null ? _remoteRtp : _remoteRtcp;
        if (_sendSrtp is null)
        {
            Send(channel, remote, packet, TrafficKind.Other);
            return;
        }

        var scratch = Worker.SrtpScratch.AsSpan();
        packet.CopyTo(scratch);
        if (_sendSrtp.ProtectRtcp(scratch, packet.Length, out var length) != SrtpResult.Ok)
        {
            Counters.OnDropped(RtpDropReason.SendFailed);
            return;
        }

        Send(channel, remote, scratch[..length], TrafficKind.Other);
    }

    private protected override void CountTransport(ref Diagnostics.MediaObjectCounts counts) => counts.PlainTransports++;

    private protected override void CloseResources()
    {
        _rtp.Dispose();
        _rtcp?.Dispose();
        _sendSrtp?.Dispose();
        _receiveSrtp?.Dispose();
    }

    private static IPAddress MapFamily(IPAddress address, AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 && address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address;

    private PlainTransportTuple MakeTuple(UdpChannel channel, in TransportTuple remote, bool connected)
    {
        if (!connected)
        {
            return new PlainTransportTuple(_announcedAddress, channel.LocalEndPoint.Port, null, null);
        }

        var endPoint = remote.ToRemoteEndPoint();
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        return new PlainTransportTuple(_announcedAddress, channel.LocalEndPoint.Port, address.ToString(), endPoint.Port);
    }

    private void Send(UdpChannel channel, SocketAddress? to, ReadOnlySpan<byte> datagram, TrafficKind kind)
    {
        if (to is null || !channel.SendTo(datagram, to))
        {
            Counters.OnDropped(RtpDropReason.SendFailed);
            return;
        }
        Counters.OnSent(kind, datagram.Length, Worker.Timers.Now);
    }

    private void OnRtpSocketDatagram(Span<byte> datagram, in TransportTuple from)
    {
        if (IsClosed)
        {
            return;
        }

        Counters.OnDatagramReceived(datagram.Length);
        if (!IsFromRemote(from, _remoteRtp, _remoteRtpTuple))
        {
            return;
        }

        var isRtp = IsRtp(datagram);
        if (!isRtp && !IsRtcp(datagram))
        {
            Counters.OnDropped(RtpDropReason.NotRtpOrRtcp);
            Counters.OnReceived(TrafficKind.Other, datagram.Length, Worker.Timers.Now);
            return;
        }

        if (!TryUnprotect(ref datagram, rtcp: !isRtp))
        {
            return;
        }

        Learn(from, ref _remoteRtp, ref _remoteRtpTuple, _rtp);
        if (isRtp)
        {
            HandleRtp(datagram);
        }
        else
        {
            HandleRtcp(datagram);
        }
    }

    private void OnRtcpSocketDatagram(Span<byte> datagram, in TransportTuple from)
    {
        if (IsClosed)
        {
            return;
        }

        Counters.OnDatagramReceived(datagram.Length);
        if (!IsFromRemote(from, _remoteRtcp, _remoteRtcpTuple))
        {
            return;
        }

        if (!IsRtcp(datagram))
        {
            Counters.OnDropped(RtpDropReason.NotRtpOrRtcp);
            Counters.OnReceived(TrafficKind.Other, datagram.Length, Worker.Timers.Now);
            return;
        }

        if (TryUnprotect(ref datagram, rtcp: true))
        {
            Learn(from, ref _remoteRtcp, ref _remoteRtcpTuple, _rtcp!);
            HandleRtcp(datagram);
        }
    }

    /// <summary>
    /// Only the remote address is heard; in comedia mode, before it is known, anything is (and the first datagram
    /// that is valid RTP/RTCP, and decrypts with SRTP, fixes it).
    /// </summary>
    private bool IsFromRemote(in TransportTuple from, SocketAddress? remote, in TransportTuple remoteTuple)
    {
        if (remote is null ? Comedia : from == remoteTuple)
        {
            return true;
        }

        Counters.OnDropped(RtpDropReason.UnknownSource);
        return false;
    }

    private static void Learn(in TransportTuple from, ref SocketAddress? remote, ref TransportTuple remoteTuple, UdpChannel channel)
    {
        if (remote is null)
        {
            remote = new SocketAddress(channel.AddressFamily);
            from.TryWriteTo(remote);
            remoteTuple = from;
            channel.TryConnect(remote);
        }
    }

    /// <summary>Decrypts in place with SRTP; without SRTP every datagram passes. Unkeyed or rejected ones are counted.</summary>
    private bool TryUnprotect(ref Span<byte> datagram, bool rtcp)
    {
        if (SrtpParameters is null)
        {
            return true;
        }

        if (_receiveSrtp is null)
        {
            Counters.OnDropped(RtpDropReason.DecryptFailed);
            return false;
        }

        var result = rtcp
            ? _receiveSrtp.UnprotectRtcp(datagram, datagram.Length, out var length)
            : _receiveSrtp.UnprotectRtp(datagram, datagram.Length, out length);
        if (result != SrtpResult.Ok)
        {
            Counters.OnDropped(RtpDropReason.DecryptFailed);
            return false;
        }

        datagram = datagram[..length];
        return true;
    }

    private sealed class RtpSink(PlainTransport transport) : IDatagramSink
    {
        public void OnDatagram(Span<byte> datagram, in TransportTuple from, long arrivalTimestamp) => transport.OnRtpSocketDatagram(datagram, from);
    }

    private sealed class RtcpSink(PlainTransport transport) : IDatagramSink
    {
        public void OnDatagram(Span<byte> datagram, in TransportTuple from, long arrivalTimestamp) => transport.OnRtcpSocketDatagram(datagram, from);
    }
}
