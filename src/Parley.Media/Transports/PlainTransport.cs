using System.Net;
using System.Net.Sockets;
using Parley.Media.Net;
using Parley.Media.Rtc;
using Parley.Media.Routing;

namespace Parley.Media.Transports;

/// <summary>
/// Plain RTP/RTCP over UDP (mediasoup's PlainTransport), for RTP tools, recorders and gateways: one socket (two without
/// RTCP multiplexing), the remote address given with <see cref="ConnectAsync"/> or learned from the first datagram in
/// comedia mode. Datagrams from any other address are dropped.
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

    private PlainTransport(Router router, PlainTransportOptions options, UdpChannel rtp, UdpChannel? rtcp)
        : base(router, options.AppData)
    {
        _rtp = rtp;
        _rtcp = rtcp;
        RtcpMux = options.RtcpMux;
        Comedia = options.Comedia;
        _announcedAddress = options.AnnouncedAddress ?? options.ListenIp.ToString();
        _rtp.Start(new RtpSink(this));
        if (_rtcp is not null)
        {
            _rtcpSink = new RtcpSink(this);
            _rtcp.Start(_rtcpSink);
        }
    }

    private protected override string StatsType => TransportStats.PlainTransportType;

    /// <summary>True when RTCP shares the RTP socket.</summary>
    public bool RtcpMux { get; }

    /// <summary>True when the remote address is learned from the first datagram.</summary>
    public bool Comedia { get; }

    /// <summary>The RTP (and with <see cref="RtcpMux"/>, RTCP) address pair.</summary>
    public PlainTransportTuple Tuple => MakeTuple(_rtp, _remoteRtpTuple, _remoteRtp is not null);

    /// <summary>The RTCP address pair without <see cref="RtcpMux"/>; null with it.</summary>
    public PlainTransportTuple? RtcpTuple => _rtcp is null ? null : MakeTuple(_rtcp, _remoteRtcpTuple, _remoteRtcp is not null);

    /// <summary>
    /// Sets the remote RTP address (and the RTCP port without <see cref="RtcpMux"/>; default RTP port + 1).
    /// </summary>
    /// <exception cref="InvalidOperationException">The transport is in comedia mode or already connected.</exception>
    public Task ConnectAsync(IPAddress address, int port, int? rtcpPort = null) => Worker.InvokeAsync(() =>
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (Comedia)
        {
            throw new InvalidOperationException("A comedia transport learns its remote address; it cannot be connected.");
        }

        if (_remoteRtp is not null)
        {
            throw new InvalidOperationException("The transport is already connected.");
        }

        var rtpEndPoint = new IPEndPoint(MapFamily(address, _rtp.AddressFamily), port);
        _remoteRtpTuple = TransportTuple.Create(TransportProtocol.Udp, rtpEndPoint, _rtp.LocalEndPoint.Port);
        _remoteRtp = rtpEndPoint.Serialize();
        if (_rtcp is not null)
        {
            var rtcpEndPoint = new IPEndPoint(rtpEndPoint.Address, rtcpPort ?? port + 1);
            _remoteRtcpTuple = TransportTuple.Create(TransportProtocol.Udp, rtcpEndPoint, _rtcp.LocalEndPoint.Port);
            _remoteRtcp = rtcpEndPoint.Serialize();
        }
    });

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

    internal override void SendRtp(ReadOnlySpan<byte> packet, bool isRetransmission = false) =>
        Send(_rtp, _remoteRtp, packet, isRetransmission ? TrafficKind.Rtx : TrafficKind.Rtp);

    internal override void SendRtcp(ReadOnlySpan<byte> packet)
    {
        if (_rtcp is null)
        {
            Send(_rtp, _remoteRtp, packet, TrafficKind.Other);
        }
        else
        {
            Send(_rtcp, _remoteRtcp, packet, TrafficKind.Other);
        }
    }

    private protected override void CloseResources()
    {
        _rtp.Dispose();
        _rtcp?.Dispose();
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

        Counters.PacketsSent++;
        Counters.BytesSent += datagram.Length;
        Traffic.OnSent(kind, datagram.Length, Worker.Timers.Now);
    }

    private void OnRtpSocketDatagram(Span<byte> datagram, in TransportTuple from)
    {
        if (IsClosed)
        {
            return;
        }

        Counters.PacketsReceived++;
        Counters.BytesReceived += datagram.Length;
        if (!AcceptSource(from, ref _remoteRtp, ref _remoteRtpTuple, _rtp))
        {
            return;
        }

        if (IsRtp(datagram))
        {
            HandleRtp(datagram);
        }
        else if (IsRtcp(datagram))
        {
            HandleRtcp(datagram);
        }
        else
        {
            Counters.OnDropped(RtpDropReason.NotRtpOrRtcp);
            Traffic.OnReceived(TrafficKind.Other, datagram.Length, Worker.Timers.Now);
        }
    }

    private void OnRtcpSocketDatagram(Span<byte> datagram, in TransportTuple from)
    {
        if (IsClosed)
        {
            return;
        }

        Counters.PacketsReceived++;
        Counters.BytesReceived += datagram.Length;
        if (!AcceptSource(from, ref _remoteRtcp, ref _remoteRtcpTuple, _rtcp!))
        {
            return;
        }

        if (IsRtcp(datagram))
        {
            HandleRtcp(datagram);
        }
        else
        {
            Counters.OnDropped(RtpDropReason.NotRtpOrRtcp);
            Traffic.OnReceived(TrafficKind.Other, datagram.Length, Worker.Timers.Now);
        }
    }

    /// <summary>In comedia mode the first datagram fixes the remote address; afterwards only that address is heard.</summary>
    private bool AcceptSource(in TransportTuple from, ref SocketAddress? remote, ref TransportTuple remoteTuple, UdpChannel channel)
    {
        if (remote is null)
        {
            if (!Comedia)
            {
                Counters.OnDropped(RtpDropReason.UnknownSource);
                return false;
            }

            remote = new SocketAddress(channel.AddressFamily);
            from.TryWriteTo(remote);
            remoteTuple = from;
            return true;
        }

        if (from != remoteTuple)
        {
            Counters.OnDropped(RtpDropReason.UnknownSource);
            return false;
        }

        return true;
    }

    private sealed class RtpSink(PlainTransport transport) : IDatagramSink
    {
        public void OnDatagram(Span<byte> datagram, in TransportTuple from) => transport.OnRtpSocketDatagram(datagram, from);
    }

    private sealed class RtcpSink(PlainTransport transport) : IDatagramSink
    {
        public void OnDatagram(Span<byte> datagram, in TransportTuple from) => transport.OnRtcpSocketDatagram(datagram, from);
    }
}
