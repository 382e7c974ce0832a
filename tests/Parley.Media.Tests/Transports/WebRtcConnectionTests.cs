using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Routing;
using Parley.Media.Srtp;
using Parley.Media.Tests.Dtls;
using Parley.Media.Transports;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Transports;

/// <summary>WebRtcConnection against a peer made of our own ICE checks, DTLS client and SRTP over real UDP.</summary>
public sealed class WebRtcConnectionTests : IDisposable
{
    private readonly WebRtcServer _server;
    private readonly Worker _worker = TestWorkers.Create("webrtc-connection-tests");
    private readonly WebRtcConnection _connection;
    private readonly ConcurrentQueue<byte[]> _rtp = new();
    private readonly ConcurrentQueue<byte[]> _rtcp = new();
    private readonly ConcurrentQueue<IceState> _iceStates = new();
    private readonly ConcurrentQueue<DtlsState> _dtlsStates = new();

    public WebRtcConnectionTests()
    {
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        _server.Start();
        _connection = new WebRtcConnection(_server, _worker, TestCertificates.Server);
        _connection.RtpReceived += (packet, _) => _rtp.Enqueue(packet.ToArray());
        _connection.RtcpReceived += (packet, _) => _rtcp.Enqueue(packet.ToArray());
        _connection.IceStateChanged += _iceStates.Enqueue;
        _connection.DtlsStateChanged += _dtlsStates.Enqueue;
    }

    public void Dispose()
    {
        _connection.Dispose();
        _server.Dispose();
        _worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Fact]
    public void Signals_ice_lite_parameters_host_candidates_and_auto_role_fingerprints()
    {
        Assert.True(_connection.IceParameters.IceLite);
        Assert.Equal(IceParameters.GeneratedUfragLength, _connection.IceParameters.UsernameFragment.Length);
        var candidate = Assert.Single(_connection.IceCandidates, c => c.Protocol == "udp");
        Assert.Equal(_server.UdpPort, candidate.Port);
        Assert.Equal("host", candidate.Type);
        Assert.Equal(DtlsRole.Auto, _connection.DtlsParameters.Role);
        Assert.Contains(_connection.DtlsParameters.Fingerprints, f => f.Algorithm == "sha-256");
        Assert.Equal(IceState.New, _connection.IceState);
        Assert.Equal(DtlsState.New, _connection.DtlsState);
    }

    [Fact]
    public async Task Ice_dtls_and_srtp_carry_media_both_ways()
    {
        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        await ConnectAsync(peer);
        Assert.Contains(IceState.Completed, _iceStates);
        Assert.NotNull(_connection.SrtpProfile);
        Assert.Equal(peer.Dtls.SrtpKeys!.Profile, _connection.SrtpProfile);

        var rtp = MakeRtp(500, 0xABCDEF01, 1000, payloadType: 96);
        var rtcp = MakeRtcp(0xABCDEF01);
        peer.SendProtected(rtp, isRtcp: false);
        peer.SendProtected(rtcp, isRtcp: true);
        await WaitUntil(() => _rtp.Count == 1 && _rtcp.Count == 1);
        Assert.Equal(rtp, _rtp.Single());
        Assert.Equal(rtcp, _rtcp.Single());

        var back = MakeRtp(9, 0x22, 300, payloadType: 100);
        Assert.True(await OnWorker(() => _connection.SendRtp(back)));
        Assert.True(await OnWorker(() => _connection.SendRtcp(MakeRtcp(0x22))));
        await WaitUntil(() => peer.Media.Count == 2);
        Assert.Contains(peer.Media, m => m.AsSpan().SequenceEqual(back));
        Assert.Contains(peer.Media, m => m.AsSpan().SequenceEqual(MakeRtcp(0x22)));

        // The connection counts the datagrams it took in (DTLS included, encrypted sizes); sends are counted by the
        // transport that makes them (WebRtcTransportTests).
        Assert.True(_connection.Counters.PacketsReceived > 2);
        Assert.True(_connection.Counters.BytesReceived > rtp.Length + rtcp.Length);
        Assert.Equal(0, _connection.Counters.Dropped(WebRtcDropReason.SrtpAuthenticationFailed));
    }

    [Fact]
    public async Task Ice_tcp_carries_dtls_and_srtp_on_the_shared_port()
    {
        using var peer = new LoopbackWebRtcPeer(_server.TcpPort, overTcp: true);
        await ConnectAsync(peer);
        Assert.Equal(TransportProtocol.Tcp, _connection.SelectedTuple!.Value.Protocol);

        var rtp = MakeRtp(1, 0x7777, 1100);
        peer.SendProtected(rtp, isRtcp: false);
        await WaitUntil(() => _rtp.Count == 1);
        Assert.Equal(rtp, _rtp.Single());

        Assert.True(await OnWorker(() => _connection.SendRtcp(MakeRtcp(0x31))));
        await WaitUntil(() => peer.Media.Count == 1);
        Assert.Equal(MakeRtcp(0x31), peer.Media.Single());
    }

    [Fact]
    public async Task Replayed_tampered_and_early_srtp_are_dropped_and_counted()
    {
        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        peer.SendCheck(_connection.IceParameters);
        await WaitUntil(() => _connection.IceState == IceState.Completed);

        // Before DTLS: RTP-shaped bytes from the validated tuple have no keys to check against.
        peer.SendRaw(MakeRtp(1, 1, 50));
        await WaitUntil(() => _connection.Counters.Dropped(WebRtcDropReason.BeforeSrtpKeys) == 1);

        await OnWorker(() => _connection.Connect(peer.DtlsParameters));
        await peer.ConnectDtlsAsync(_connection.DtlsParameters);
        await WaitUntil(() => _connection.DtlsState == DtlsState.Connected);

        var wire = peer.SendProtected(MakeRtp(2, 1, 50), isRtcp: false);
        await WaitUntil(() => _rtp.Count == 1);
        peer.SendRaw(wire);
        await WaitUntil(() => _connection.Counters.Dropped(WebRtcDropReason.SrtpReplay) == 1);

        var tampered = MakeRtp(3, 1, 50);
        var buffer = new byte[tampered.Length + 32];
        tampered.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, peer.Srtp.Send.ProtectRtp(buffer, tampered.Length, out var length));
        buffer[length - 1] ^= 0xFF;
        peer.SendRaw(buffer[..length]);
        await WaitUntil(() => _connection.Counters.Dropped(WebRtcDropReason.SrtpAuthenticationFailed) == 1);
        Assert.Single(_rtp);
    }

    [Fact]
    public async Task Media_from_a_tuple_without_a_valid_check_never_reaches_the_connection()
    {
        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        await ConnectAsync(peer);
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var wire = peer.SendProtected(MakeRtp(10, 5, 40), isRtcp: false);
        await WaitUntil(() => _rtp.Count == 1);

        // The same valid SRTP bytes from another address: the server refuses the tuple.
        var before = _server.Counters.GetDropped(DropReason.UnknownTuple);
        stranger.Send(MakeRtp(11, 5, 40), new IPEndPoint(IPAddress.Loopback, _server.UdpPort));
        stranger.Send(wire, new IPEndPoint(IPAddress.Loopback, _server.UdpPort));
        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownTuple) == before + 2);

        // A check with a wrong password does not validate it either.
        stranger.Send(Ice.StunChecks.BindingRequest($"{_connection.IceParameters.UsernameFragment}:x", "wrong-password", true),
            new IPEndPoint(IPAddress.Loopback, _server.UdpPort));
        stranger.Send(MakeRtp(12, 5, 40), new IPEndPoint(IPAddress.Loopback, _server.UdpPort));
        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownTuple) == before + 3);
        Assert.Single(_rtp);
    }

    [Fact]
    public async Task Sending_before_a_tuple_or_keys_is_refused_and_counted()
    {
        Assert.False(await OnWorker(() => _connection.SendRtp(MakeRtp(1, 1))));
        Assert.Equal(1, _connection.Counters.Dropped(WebRtcDropReason.NoSelectedTuple));

        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        peer.SendCheck(_connection.IceParameters);
        await WaitUntil(() => _connection.SelectedTuple is not null);
        Assert.False(await OnWorker(() => _connection.SendRtp(MakeRtp(1, 1))));
        Assert.Equal(1, _connection.Counters.Dropped(WebRtcDropReason.BeforeSrtpKeys));
        Assert.False(await OnWorker(() => _connection.SendRtcp(new byte[3])));
    }

    [Fact]
    public async Task As_dtls_client_it_waits_for_ice_then_sends_the_client_hello()
    {
        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        await OnWorker(() => _connection.Connect(TestCertificates.Client.ToParameters(DtlsRole.Server)));
        Assert.Equal(DtlsState.New, _connection.DtlsState);

        peer.Dtls.Start(DtlsRole.Server, TestCertificates.Server.Fingerprints);
        peer.SendCheck(_connection.IceParameters);
        await peer.DtlsStates.WaitForAsync(DtlsState.Connected);
        await WaitUntil(() => _connection.DtlsState == DtlsState.Connected);

        peer.SendProtected(MakeRtp(77, 9, 100), isRtcp: false);
        await WaitUntil(() => _rtp.Count == 1);
    }

    [Fact]
    public async Task Close_sends_close_notify_and_closes_ice()
    {
        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        await ConnectAsync(peer);

        _connection.Close();
        await peer.DtlsStates.WaitForAsync(DtlsState.Closed);
        await WaitUntil(() => _connection.IceState == IceState.Closed);
        Assert.Contains(DtlsState.Closed, _dtlsStates);
        Assert.False(await OnWorker(() => _connection.SendRtp(MakeRtp(1, 1))));
        Assert.Equal(1, _connection.Counters.Dropped(WebRtcDropReason.Closed));
        _connection.Close();
    }

    [Fact]
    public async Task Ice_restart_answers_the_new_credentials_only()
    {
        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        var old = _connection.IceParameters;
        var restarted = await _worker.InvokeAsync(_connection.RestartIce);
        Assert.NotEqual(old.UsernameFragment, restarted.UsernameFragment);
        Assert.Equal(restarted, _connection.IceParameters);

        peer.SendCheck(old);
        peer.SendCheck(restarted);
        await WaitUntil(() => _connection.IceState == IceState.Completed);
        await WaitUntil(() => peer.StunResponses.Count >= 1);
        await Task.Delay(100);
        Assert.Single(peer.StunResponses);
    }

    [Fact]
    public async Task A_peer_certificate_that_does_not_match_the_signaled_fingerprint_fails_dtls()
    {
        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        peer.SendCheck(_connection.IceParameters);
        await WaitUntil(() => _connection.IceState == IceState.Completed);
        await OnWorker(() => _connection.Connect(TestCertificates.Stranger.ToParameters(DtlsRole.Client)));
        peer.Dtls.Start(DtlsRole.Client, _connection.DtlsParameters.Fingerprints);

        await WaitUntil(() => _dtlsStates.Contains(DtlsState.Failed));
        Assert.Null(_connection.SrtpProfile);
        Assert.False(await OnWorker(() => _connection.SendRtp(MakeRtp(1, 1))));
        Assert.Equal(1, _connection.Counters.Dropped(WebRtcDropReason.BeforeSrtpKeys));
    }

    [Fact]
    public async Task Ice_consent_expiry_disconnects_and_stops_sending()
    {
        using var server = new WebRtcServer(new WebRtcServerOptions { Port = 0, TickInterval = TimeSpan.FromMilliseconds(50) });
        server.Start();
        using var connection = new WebRtcConnection(server, _worker, TestCertificates.Server, new WebRtcConnectionOptions { ConsentTimeout = TimeSpan.FromMilliseconds(300) });
        var states = new ConcurrentQueue<IceState>();
        connection.IceStateChanged += states.Enqueue;
        using var peer = new LoopbackWebRtcPeer(server.UdpPort);

        peer.SendCheck(connection.IceParameters);
        await WaitUntil(() => connection.SelectedTuple is not null);
        await WaitUntil(() => connection.IceState == IceState.Disconnected);
        Assert.Equal([IceState.Completed, IceState.Disconnected], states.ToArray());
        Assert.Null(connection.SelectedTuple);
        Assert.False(await OnWorker(() => connection.SendRtp(MakeRtp(1, 1))));
        Assert.Equal(1, connection.Counters.Dropped(WebRtcDropReason.NoSelectedTuple));

        // A new valid check revives it.
        peer.SendCheck(connection.IceParameters);
        await WaitUntil(() => connection.IceState == IceState.Completed && connection.SelectedTuple is not null);
    }

    [Fact]
    public async Task Connect_refuses_a_second_call_and_parameters_without_fingerprints()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => OnWorker(() => _connection.Connect(new DtlsParameters { Role = DtlsRole.Client })));
        await OnWorker(() => _connection.Connect(TestCertificates.Client.ToParameters(DtlsRole.Client)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => OnWorker(() => _connection.Connect(TestCertificates.Client.ToParameters(DtlsRole.Client))));
    }

    private async Task ConnectAsync(LoopbackWebRtcPeer peer)
    {
        peer.SendCheck(_connection.IceParameters);
        await WaitUntil(() => _connection.IceState == IceState.Completed);
        await OnWorker(() => _connection.Connect(peer.DtlsParameters));
        await peer.ConnectDtlsAsync(_connection.DtlsParameters);
        await WaitUntil(() => _connection.DtlsState == DtlsState.Connected && _connection.SrtpProfile is not null);
    }

    private Task<T> OnWorker<T>(Func<T> call) => _worker.InvokeAsync(call);

    private Task OnWorker(Action call) => _worker.InvokeAsync(call);
}
