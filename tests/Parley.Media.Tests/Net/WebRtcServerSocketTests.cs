using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Stun;
using Parley.Media.Tests.Ice;

namespace Parley.Media.Tests.Net;

/// <summary>A WebRtcServer on 127.0.0.1 with an ephemeral port, driven by real client sockets.</summary>
public sealed class WebRtcServerSocketTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly byte[] RtpPacket = Convert.FromHexString("80600001000000640000abcd" + "deadbeef");

    private readonly WebRtcServer _server;

    public WebRtcServerSocketTests()
    {
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0, MaxPacketSize = 1500, TcpUnboundTimeout = TimeSpan.FromSeconds(2) });
        _server.Start();
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public void Udp_and_tcp_share_one_port_and_are_announced_as_candidates()
    {
        Assert.NotEqual(0, _server.UdpPort);
        Assert.Equal(_server.UdpPort, _server.TcpPort);
        Assert.Collection(
            _server.LocalCandidates,
            udp => Assert.Equal(("udp", "127.0.0.1", _server.UdpPort, (string?)null), (udp.Protocol, udp.Ip, udp.Port, udp.TcpType)),
            tcp => Assert.Equal(("tcp", "127.0.0.1", _server.UdpPort, (string?)"passive"), (tcp.Protocol, tcp.Ip, tcp.Port, tcp.TcpType)));
    }

    [Fact]
    public async Task Udp_binding_request_is_answered_with_the_client_address()
    {
        using var transport = new TestIceTransport(_server);
        using var client = NewUdpClient();
        var response = await RequestUdp(client, StunChecks.Check(transport.Parameters));

        AssertSuccess(response, transport.Parameters, (IPEndPoint)client.Client.LocalEndPoint!);
        Assert.Equal(IceState.Connected, transport.Read(a => a.State));
        Assert.True(_server.Counters.PacketsReceived >= 1);
        Assert.True(_server.Counters.PacketsSent >= 1);
        Assert.True(_server.Counters.BytesSent >= response.Length);
    }

    [Fact]
    public async Task Two_transports_on_one_port_are_told_apart_by_ufrag()
    {
        using var first = new TestIceTransport(_server);
        using var second = new TestIceTransport(_server);
        using var client1 = NewUdpClient();
        using var client2 = NewUdpClient();

        AssertSuccess(await RequestUdp(client1, StunChecks.Check(first.Parameters, useCandidate: true)), first.Parameters, (IPEndPoint)client1.Client.LocalEndPoint!);
        AssertSuccess(await RequestUdp(client2, StunChecks.Check(second.Parameters, useCandidate: true)), second.Parameters, (IPEndPoint)client2.Client.LocalEndPoint!);

        var tuple1 = UdpTuple(client1);
        var tuple2 = UdpTuple(client2);
        Assert.True(first.Read(a => a.IsValidatedTuple(tuple1)));
        Assert.False(first.Read(a => a.IsValidatedTuple(tuple2)));
        Assert.True(second.Read(a => a.IsValidatedTuple(tuple2)));
        Assert.Equal(tuple1, first.Read(a => a.SelectedTuple));
        Assert.Equal(tuple2, second.Read(a => a.SelectedTuple));

        // Media then follows the tuple to the right transport.
        await client1.SendAsync(RtpPacket, ServerUdp);
        await client2.SendAsync(RtcpPacket(), ServerUdp);
        await WaitUntil(() => first.Media.Count == 1 && second.Media.Count == 1);
        Assert.True(first.Media.TryPeek(out var media1));
        Assert.Equal((PacketKind.Rtp, tuple1), (media1.Kind, media1.From));
        Assert.Equal(RtpPacket, media1.Packet);
        Assert.True(second.Media.TryPeek(out var media2));
        Assert.Equal(PacketKind.Rtcp, media2.Kind);
    }

    [Fact]
    public async Task Media_from_an_unvalidated_address_is_dropped_and_counted()
    {
        using var transport = new TestIceTransport(_server);
        using var stranger = NewUdpClient();
        var before = _server.Counters.GetDropped(DropReason.UnknownTuple);

        await stranger.SendAsync(RtpPacket, ServerUdp);
        await stranger.SendAsync(Convert.FromHexString("16fefd000000000000000000010000"), ServerUdp); // a DTLS record header

        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownTuple) == before + 2);
        Assert.Empty(transport.Media);
    }

    [Fact]
    public async Task Unknown_ufrag_is_dropped_without_an_answer()
    {
        using var transport = new TestIceTransport(_server);
        using var client = NewUdpClient();
        var before = _server.Counters.GetDropped(DropReason.UnknownUsernameFragment);

        await client.SendAsync(StunChecks.BindingRequest("nosuchufrag:peer", transport.Parameters.Password), ServerUdp);
        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownUsernameFragment) == before + 1);
        Assert.Equal(0, client.Available);
        Assert.Equal(IceState.New, transport.Read(a => a.State));
    }

    [Fact]
    public async Task Malformed_and_oversized_datagrams_are_counted()
    {
        using var client = NewUdpClient();
        var malformed = _server.Counters.GetDropped(DropReason.Malformed);
        var tooLarge = _server.Counters.GetDropped(DropReason.TooLarge);

        await client.SendAsync(new byte[] { 0x50, 1, 2, 3 }, ServerUdp);
        await client.SendAsync(new byte[] { 0x00, 0x01, 0x00, 0x00, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, ServerUdp); // STUN type, no cookie
        var big = new byte[2000];
        big[0] = 0x80;
        await client.SendAsync(big, ServerUdp);

        await WaitUntil(() => _server.Counters.GetDropped(DropReason.Malformed) == malformed + 2
            && _server.Counters.GetDropped(DropReason.TooLarge) == tooLarge + 1);
    }

    [Fact]
    public async Task Ice_restart_moves_the_route_to_the_new_ufrag_and_old_credentials_fail()
    {
        using var transport = new TestIceTransport(_server);
        using var client = NewUdpClient();
        var old = transport.Parameters;
        AssertSuccess(await RequestUdp(client, StunChecks.Check(old, useCandidate: true)), old, (IPEndPoint)client.Client.LocalEndPoint!);

        var fresh = transport.RestartIce();

        // The old ufrag routes no more; from the validated tuple it still reaches the agent, which says 401.
        var rejected = await RequestUdp(client, StunChecks.Check(old));
        Assert.True(StunMessage.TryParse(rejected, out var error));
        Assert.True(error.TryGetErrorCode(out var code, out _));
        Assert.Equal(401, code);

        AssertSuccess(await RequestUdp(client, StunChecks.Check(fresh, "peer2", useCandidate: true)), fresh, (IPEndPoint)client.Client.LocalEndPoint!);

        // From a tuple that never validated, the old ufrag is simply unknown.
        using var other = NewUdpClient();
        var before = _server.Counters.GetDropped(DropReason.UnknownUsernameFragment);
        await other.SendAsync(StunChecks.Check(old), ServerUdp);
        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownUsernameFragment) == before + 1);
    }

    [Fact]
    public async Task Disposed_registration_no_longer_receives()
    {
        var transport = new TestIceTransport(_server);
        using var client = NewUdpClient();
        await RequestUdp(client, StunChecks.Check(transport.Parameters, useCandidate: true));
        transport.Dispose();

        var before = _server.Counters.GetDropped(DropReason.UnknownTuple);
        await client.SendAsync(RtpPacket, ServerUdp);
        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownTuple) == before + 1);
        Assert.Empty(transport.Media);
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var first = new TestIceTransport(_server);
            _server.Register(new FixedUfragTransport(first.LocalUsernameFragment));
        });
    }

    [Fact]
    public async Task Tcp_framed_binding_request_is_answered_and_binds_the_connection()
    {
        using var transport = new TestIceTransport(_server);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, _server.TcpPort);
        var stream = client.GetStream();

        // Write the first frame in two pieces to exercise reassembly.
        var frame = Frame(StunChecks.Check(transport.Parameters, useCandidate: true));
        await stream.WriteAsync(frame.AsMemory(0, 7));
        await stream.FlushAsync();
        await Task.Delay(50);
        await stream.WriteAsync(frame.AsMemory(7));

        var response = await ReadFrame(stream);
        AssertSuccess(response, transport.Parameters, (IPEndPoint)client.Client.LocalEndPoint!);
        var tuple = TransportTuple.Create(TransportProtocol.Tcp, (IPEndPoint)client.Client.LocalEndPoint!, _server.TcpPort);
        Assert.Equal(tuple, transport.Read(a => a.SelectedTuple));
        Assert.Equal(IceState.Completed, transport.Read(a => a.State));

        // Two frames in one write both arrive.
        await stream.WriteAsync((byte[])[.. Frame(RtpPacket), .. Frame(RtcpPacket())]);
        await WaitUntil(() => transport.Media.Count == 2);

        // Sending back by tuple writes one frame.
        Assert.True(transport.Registration.Send(RtpPacket, tuple));
        Assert.Equal(RtpPacket, await ReadFrame(stream));

        client.Close();
        await WaitUntil(() => transport.ClosedTuples.Contains(tuple));
        Assert.False(transport.Registration.Send(RtpPacket, tuple));
    }

    [Fact]
    public async Task Tcp_media_before_a_valid_check_is_dropped()
    {
        using var transport = new TestIceTransport(_server);
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, _server.TcpPort);
        var stream = client.GetStream();

        // The ufrag names the transport, but the password is wrong: 401, and the connection carries no media.
        await stream.WriteAsync(Frame(StunChecks.BindingRequest($"{transport.Parameters.UsernameFragment}:p", "wrong-password-wrong-password")));
        Assert.True(StunMessage.TryParse(await ReadFrame(stream), out var error));
        Assert.True(error.TryGetErrorCode(out var code, out _));
        Assert.Equal(401, code);

        var before = _server.Counters.GetDropped(DropReason.UnknownTuple);
        await stream.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownTuple) == before + 1);
        Assert.Empty(transport.Media);
        Assert.Equal(0, transport.RefusedMedia);

        // A valid check on the same connection opens it.
        await stream.WriteAsync(Frame(StunChecks.Check(transport.Parameters, useCandidate: true)));
        AssertSuccess(await ReadFrame(stream), transport.Parameters, (IPEndPoint)client.Client.LocalEndPoint!);
        await stream.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 1);
    }

    [Fact]
    public async Task Tcp_connection_that_names_no_transport_is_dropped_and_closed()
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, _server.TcpPort);
        var stream = client.GetStream();
        var before = _server.Counters.GetDropped(DropReason.UnknownTuple);
        await stream.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownTuple) == before + 1);

        // TcpUnboundTimeout is 2 s in this fixture: the server closes the connection.
        var buffer = new byte[4];
        using var timeout = new CancellationTokenSource(Timeout);
        Assert.Equal(0, await stream.ReadAsync(buffer, timeout.Token));
    }

    [Fact]
    public async Task Dedicated_port_transport_answers_on_its_own_port()
    {
        using var shared = new TestIceTransport(_server);
        using var dedicated = new TestIceTransport(_server, dedicatedPort: true);
        var port = dedicated.Registration.DedicatedUdpPort;
        Assert.NotEqual(0, port);
        Assert.NotEqual(_server.UdpPort, port);
        var candidate = Assert.Single(dedicated.Registration.LocalCandidates);
        Assert.Equal(port, candidate.Port);

        using var client = NewUdpClient();
        var target = new IPEndPoint(IPAddress.Loopback, port);
        await client.SendAsync(RtpPacket, target);
        await client.SendAsync(StunChecks.Check(dedicated.Parameters, useCandidate: true), target);
        var response = (await ReceiveWithTimeout(client)).Buffer;
        AssertSuccess(response, dedicated.Parameters, (IPEndPoint)client.Client.LocalEndPoint!);
        await client.SendAsync(RtpPacket, target);
        await WaitUntil(() => dedicated.Media.Count == 1);

        // Its ufrag is not routed on the shared port.
        var before = _server.Counters.GetDropped(DropReason.UnknownUsernameFragment);
        await client.SendAsync(StunChecks.Check(dedicated.Parameters), ServerUdp);
        await WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownUsernameFragment) == before + 1);
    }

    [Fact]
    public void Port_range_is_used_and_a_taken_shared_port_is_an_error()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var basePort = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        probe.Close();
        using var server = new WebRtcServer(new WebRtcServerOptions { Port = 0, DedicatedPortMin = basePort, DedicatedPortMax = basePort + 20 });
        server.Start();
        using var transport = new TestIceTransport(server, dedicatedPort: true);
        Assert.InRange(transport.Registration.DedicatedUdpPort, basePort, basePort + 20);

        using var clash = new WebRtcServer(new WebRtcServerOptions { Port = _server.UdpPort });
        Assert.Throws<SocketException>(clash.Start);
    }

    private IPEndPoint ServerUdp => new(IPAddress.Loopback, _server.UdpPort);

    private static UdpClient NewUdpClient() => new(new IPEndPoint(IPAddress.Loopback, 0));

    private TransportTuple UdpTuple(UdpClient client) =>
        TransportTuple.Create(TransportProtocol.Udp, (IPEndPoint)client.Client.LocalEndPoint!, _server.UdpPort);

    private async Task<byte[]> RequestUdp(UdpClient client, byte[] request)
    {
        await client.SendAsync(request, ServerUdp);
        return (await ReceiveWithTimeout(client)).Buffer;
    }

    private static async Task<UdpReceiveResult> ReceiveWithTimeout(UdpClient client)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        return await client.ReceiveAsync(timeout.Token);
    }

    private static void AssertSuccess(byte[] response, IceParameters parameters, IPEndPoint client)
    {
        Assert.True(StunMessage.TryParse(response, out var message));
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.True(message.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(client, mapped);
        Assert.True(message.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(parameters.Password)));
        Assert.True(message.VerifyFingerprint());
    }

    private static byte[] RtcpPacket() => Convert.FromHexString("81c90001" + "00000001");

    internal static byte[] Frame(byte[] payload)
    {
        var frame = new byte[payload.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)payload.Length);
        payload.CopyTo(frame, 2);
        return frame;
    }

    internal static async Task<byte[]> ReadFrame(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var header = new byte[2];
        await stream.ReadExactlyAsync(header, timeout.Token);
        var payload = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
        await stream.ReadExactlyAsync(payload, timeout.Token);
        return payload;
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Timeout, "condition not met in time");
            await Task.Delay(10);
        }
    }

    private sealed class FixedUfragTransport(string ufrag) : IWebRtcServerTransport
    {
        public string LocalUsernameFragment => ufrag;

        public void OnPacket(Span<byte> packet, in TransportTuple from, PacketKind kind, long arrivalTimestamp)
        {
        }

        public void OnTupleClosed(in TransportTuple tuple)
        {
        }

        public void OnTick(long nowMilliseconds)
        {
        }
    }
}
