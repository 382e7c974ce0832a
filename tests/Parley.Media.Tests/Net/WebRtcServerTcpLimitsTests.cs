using System.Net;
using System.Net.Sockets;
using Parley.Media.Net;
using Parley.Media.Stun;
using Parley.Media.Tests.Ice;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;

namespace Parley.Media.Tests.Net;

/// <summary>
/// The limits of the shared ICE-TCP port (issue 10, defect 3): binding needs a check with valid message
/// integrity, transports and addresses are capped, idle and unbound connections expire, and a full table
/// makes room by closing its oldest unbound connection. The clock is moved by hand and the server ticked by hand.
/// </summary>
public sealed class WebRtcServerTcpLimitsTests : IDisposable
{
    private static readonly byte[] RtpPacket = Convert.FromHexString("80600001000000640000abcd" + "deadbeef");

    private readonly ManualTimeProvider _clock = new();
    private readonly List<TcpClient> _clients = [];
    private WebRtcServer? _server;

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _server?.Dispose();
    }

    [Fact]
    public async Task A_flood_of_idle_connections_from_one_address_does_not_stop_a_valid_check()
    {
        var server = Start(new WebRtcServerOptions { MaxTcpConnections = 32 });
        using var transport = new TestIceTransport(server);
        for (var i = 0; i < 1_100; i++)
        {
            await Connect();
        }

        var (stream, _) = await Bind(transport);
        await stream.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 1);

        // More flood after binding does not evict the bound connection.
        for (var i = 0; i < 100; i++)
        {
            await Connect();
        }

        await stream.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 2);
        // A connect completes before the server accepts it: wait for the last accepts. 1,201 accepted, 32 kept.
        await WaitUntil(() => server.Counters.GetTcpClosed(TcpCloseReason.EvictedTableFull) == 1_201 - 32);
        await WaitUntil(() => server.TcpConnectionCount == 32);
        Assert.Equal(0, server.Counters.GetTcpClosed(TcpCloseReason.RefusedTableFull));
    }

    [Fact]
    public async Task A_full_table_closes_its_oldest_unbound_connection_to_admit_a_new_one()
    {
        var server = Start(new WebRtcServerOptions { MaxTcpConnections = 4 });
        var streams = new List<NetworkStream>();
        for (var i = 0; i < 4; i++)
        {
            streams.Add((await Connect()).GetStream());
        }

        await WaitUntil(() => server.TcpConnectionCount == 4);
        var newest = (await Connect()).GetStream();
        await AssertClosedByServer(streams[0]);
        Assert.Equal(1, server.Counters.GetTcpClosed(TcpCloseReason.EvictedTableFull));

        // The newcomer is in the table: a check on it works.
        using var transport = new TestIceTransport(server);
        await newest.WriteAsync(Frame(StunChecks.Check(transport.Parameters, useCandidate: true)));
        Assert.True(StunMessage.TryParse(await ReadFrame(newest), out var response));
        Assert.Equal(StunClass.SuccessResponse, response.Class);
    }

    [Fact]
    public async Task A_check_with_a_wrong_password_does_not_bind_and_the_connection_times_out()
    {
        var server = Start(new WebRtcServerOptions { TcpUnboundTimeout = TimeSpan.FromSeconds(10) });
        using var transport = new TestIceTransport(server);
        var wrong = (await Connect()).GetStream();
        await wrong.WriteAsync(Frame(StunChecks.BindingRequest($"{transport.Parameters.UsernameFragment}:p", "wrong-password-wrong-password")));
        Assert.True(StunMessage.TryParse(await ReadFrame(wrong), out var error));
        Assert.True(error.TryGetErrorCode(out var code, out _));
        Assert.Equal(401, code);
        var (valid, _) = await Bind(transport);

        _clock.Advance(TimeSpan.FromSeconds(11));
        server.Tick();
        await AssertClosedByServer(wrong);
        Assert.Equal(1, server.Counters.GetTcpClosed(TcpCloseReason.UnboundTimeout));

        // The validated connection is bound and stays.
        await valid.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 1);
    }

    [Fact]
    public async Task A_wrong_password_connection_is_evicted_before_bound_ones_when_the_table_is_full()
    {
        var server = Start(new WebRtcServerOptions { MaxTcpConnections = 2 });
        using var transport = new TestIceTransport(server);
        var (valid, _) = await Bind(transport);
        var wrong = (await Connect()).GetStream();
        await wrong.WriteAsync(Frame(StunChecks.BindingRequest($"{transport.Parameters.UsernameFragment}:p", "wrong-password-wrong-password")));
        await ReadFrame(wrong);

        await Connect();
        await AssertClosedByServer(wrong);
        await valid.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 1);
    }

    [Fact]
    public async Task One_transport_cannot_bind_more_connections_than_its_cap()
    {
        var server = Start(new WebRtcServerOptions { MaxTcpConnectionsPerTransport = 2 });
        using var transport = new TestIceTransport(server);
        var (first, _) = await Bind(transport);
        var (second, _) = await Bind(transport);
        var refused = new List<NetworkStream>();
        for (var i = 0; i < 3; i++)
        {
            var stream = (await Connect()).GetStream();
            await stream.WriteAsync(Frame(StunChecks.Check(transport.Parameters, useCandidate: true)));
            refused.Add(stream);
        }

        foreach (var stream in refused)
        {
            await AssertClosedByServer(stream);
        }

        Assert.Equal(3, server.Counters.GetTcpClosed(TcpCloseReason.TransportLimit));
        await WaitUntil(() => transport.ClosedTuples.Count == 3);
        await first.WriteAsync(Frame(RtpPacket));
        await second.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 2);

        // Another transport still binds.
        using var other = new TestIceTransport(server);
        await Bind(other);
    }

    [Fact]
    public async Task An_address_at_its_cap_loses_its_oldest_unbound_connection_and_keeps_its_bound_one()
    {
        var server = Start(new WebRtcServerOptions { MaxTcpConnectionsPerAddress = 4 });
        using var transport = new TestIceTransport(server);
        var (bound, _) = await Bind(transport);
        var idle = new List<NetworkStream>();
        for (var i = 0; i < 10; i++)
        {
            idle.Add((await Connect()).GetStream());
        }

        foreach (var stream in idle.Take(7))
        {
            await AssertClosedByServer(stream);
        }

        Assert.Equal(7, server.Counters.GetTcpClosed(TcpCloseReason.EvictedAddressLimit));
        await WaitUntil(() => server.TcpConnectionCount == 4);
        await bound.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 1);
    }

    [Fact]
    public async Task An_address_whose_connections_are_all_bound_is_refused_a_new_one()
    {
        var server = Start(new WebRtcServerOptions { MaxTcpConnectionsPerAddress = 2 });
        using var transport = new TestIceTransport(server);
        await Bind(transport);
        await Bind(transport);

        var refused = (await Connect()).GetStream();
        await AssertClosedByServer(refused);
        Assert.Equal(1, server.Counters.GetTcpClosed(TcpCloseReason.RefusedAddressLimit));
    }

    [Fact]
    public async Task A_bound_connection_with_no_traffic_expires()
    {
        var server = Start(new WebRtcServerOptions { TcpIdleTimeout = TimeSpan.FromSeconds(10) });
        using var transport = new TestIceTransport(server);
        var (stream, tuple) = await Bind(transport);

        _clock.Advance(TimeSpan.FromSeconds(6));
        server.Tick();
        await stream.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 1);

        // 6 s after the last packet it is still open; 11 s after, it is closed.
        _clock.Advance(TimeSpan.FromSeconds(6));
        server.Tick();
        await stream.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 2);

        _clock.Advance(TimeSpan.FromSeconds(11));
        server.Tick();
        await AssertClosedByServer(stream);
        Assert.Equal(1, server.Counters.GetTcpClosed(TcpCloseReason.IdleTimeout));
        await WaitUntil(() => transport.ClosedTuples.Contains(tuple));
    }

    [Fact]
    public async Task A_bound_connection_whose_ice_consent_expires_is_closed()
    {
        var server = Start(new WebRtcServerOptions { TcpIdleTimeout = TimeSpan.FromMinutes(10) });
        using var transport = new TestIceTransport(server);
        var (stream, _) = await Bind(transport);

        // Media alone does not renew consent (RFC 7675): only valid checks do.
        _clock.Advance(TimeSpan.FromSeconds(20));
        await stream.WriteAsync(Frame(RtpPacket));
        await WaitUntil(() => transport.Media.Count == 1);
        _clock.Advance(TimeSpan.FromSeconds(11));
        server.Tick();

        await AssertClosedByServer(stream);
        Assert.Equal(1, server.Counters.GetTcpClosed(TcpCloseReason.ConsentWithdrawn));
    }

    private WebRtcServer Start(WebRtcServerOptions options)
    {
        options.Port = 0;
        options.EnableUdp = false;
        options.TickInterval = TimeSpan.FromHours(1);
        _server = new WebRtcServer(options, _clock);
        _server.Start();
        return _server;
    }

    private async Task<TcpClient> Connect()
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        _clients.Add(client);
        await client.ConnectAsync(IPAddress.Loopback, _server!.TcpPort);
        return client;
    }

    /// <summary>A new connection that passes a valid check for <paramref name="transport"/>.</summary>
    private async Task<(NetworkStream Stream, TransportTuple Tuple)> Bind(TestIceTransport transport)
    {
        var client = await Connect();
        var stream = client.GetStream();
        await stream.WriteAsync(Frame(StunChecks.Check(transport.Parameters, useCandidate: true)));
        Assert.True(StunMessage.TryParse(await ReadFrame(stream), out var response));
        Assert.Equal(StunClass.SuccessResponse, response.Class);
        var tuple = TransportTuple.Create(TransportProtocol.Tcp, (IPEndPoint)client.Client.LocalEndPoint!, _server!.TcpPort);
        await WaitUntil(() => transport.Registration.IsTupleBound(tuple));
        return (stream, tuple);
    }

    /// <summary>Reads until the server closes (end of stream or a reset); fails if it stays open.</summary>
    private static async Task AssertClosedByServer(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[2048];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A reset is a close too.
        }
    }
}
