using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Rtc;
using Parley.Media.Routing;

namespace Parley.Media.Transports;

/// <summary>
/// A browser's transport (mediasoup's WebRtcTransport): ICE-lite, DTLS and SRTP through a
/// <see cref="WebRtcConnection"/> on the shared-port <see cref="WebRtcServer"/>. Decrypted packets arrive on the
/// server's receive threads and are copied into pooled buffers and posted to the worker, like a plain transport's.
/// </summary>
public sealed class WebRtcTransport : Transport
{
    private readonly WebRtcConnection _connection;
    private readonly PostingSink _rtpSink;
    private readonly PostingSink _rtcpSink;

    private WebRtcTransport(Router router, WebRtcConnection connection, object? appData)
        : base(router, appData)
    {
        _connection = connection;
        _rtpSink = new PostingSink(this, isRtcp: false);
        _rtcpSink = new PostingSink(this, isRtcp: true);
        _connection.RtpReceived += _rtpSink.OnPacket;
        _connection.RtcpReceived += _rtcpSink.OnPacket;
    }

    /// <summary>ICE parameters to signal to the client.</summary>
    public IceParameters IceParameters => _connection.IceParameters;

    /// <summary>ICE candidates (the WebRtcServer's addresses) to signal to the client.</summary>
    public IReadOnlyList<IceCandidate> IceCandidates => _connection.IceCandidates;

    /// <summary>DTLS parameters (fingerprints, role) to signal to the client.</summary>
    public DtlsParameters DtlsParameters => _connection.DtlsParameters;

    /// <summary>The ICE state.</summary>
    public IceState IceState => _connection.IceState;

    /// <summary>The DTLS state.</summary>
    public DtlsState DtlsState => _connection.DtlsState;

    private protected override string StatsType => TransportStats.WebRtcTransportType;

    /// <summary>Starts DTLS with the client's parameters (mediasoup's <c>transport.connect({dtlsParameters})</c>).</summary>
    public Task ConnectAsync(DtlsParameters remoteParameters) => Worker.InvokeAsync(() =>
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        _connection.Connect(remoteParameters);
    });

    /// <summary>New ICE credentials (mediasoup's <c>restartIce()</c>).</summary>
    public Task<IceParameters> RestartIceAsync() => Worker.InvokeAsync(() =>
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return _connection.RestartIce();
    });

    internal static WebRtcTransport Create(Router router, WebRtcServer server, DtlsCertificate certificate, WebRtcConnectionOptions? options, object? appData)
    {
        var connection = new WebRtcConnection(server, certificate, options);
        return new WebRtcTransport(router, connection, appData);
    }

    internal override void SendRtp(ReadOnlySpan<byte> packet, bool isRetransmission = false)
    {
        if (!_connection.SendRtp(packet))
        {
            Counters.OnDropped(RtpDropReason.SendFailed);
            return;
        }

        Counters.PacketsSent++;
        Counters.BytesSent += packet.Length;
        Traffic.OnSent(isRetransmission ? TrafficKind.Rtx : TrafficKind.Rtp, packet.Length, Worker.Timers.Now);
    }

    internal override void SendRtcp(ReadOnlySpan<byte> packet)
    {
        if (!_connection.SendRtcp(packet))
        {
            Counters.OnDropped(RtpDropReason.SendFailed);
            return;
        }

        Counters.PacketsSent++;
        Counters.BytesSent += packet.Length;
        Traffic.OnSent(TrafficKind.Other, packet.Length, Worker.Timers.Now);
    }

    private protected override void CloseResources()
    {
        _connection.RtpReceived -= _rtpSink.OnPacket;
        _connection.RtcpReceived -= _rtcpSink.OnPacket;
        _connection.Close();
    }

    private void OnDecrypted(Span<byte> packet, bool isRtcp)
    {
        if (IsClosed)
        {
            return;
        }

        Counters.PacketsReceived++;
        Counters.BytesReceived += packet.Length;
        if (isRtcp)
        {
            HandleRtcp(packet);
        }
        else if (IsRtp(packet))
        {
            HandleRtp(packet);
        }
        else
        {
            Counters.OnDropped(RtpDropReason.NotRtpOrRtcp);
        }
    }

    /// <summary>Moves a decrypted packet from the server's receive thread to the worker: one copy, one queue hop.</summary>
    private sealed class PostingSink(WebRtcTransport transport, bool isRtcp) : IDatagramSink
    {
        public void OnPacket(Span<byte> packet)
        {
            if (packet.Length > PacketBufferPool.BufferLength)
            {
                return;
            }

            var buffer = transport.Worker.Buffers.Rent();
            packet.CopyTo(buffer);
            transport.Worker.PostDatagram(this, buffer, packet.Length, default);
        }

        public void OnDatagram(Span<byte> datagram, in TransportTuple from) => transport.OnDecrypted(datagram, isRtcp);
    }
}
