using System.Net;
using System.Net.Sockets;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Tests.Ice;

namespace Parley.Media.Tests.Net;

/// <summary>Consent expiry through the server's tick, with a clock the test moves.</summary>
public sealed class WebRtcServerConsentTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly WebRtcServer _server;

    public WebRtcServerConsentTests()
    {
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0, EnableTcp = false, TickInterval = TimeSpan.FromHours(1) }, _clock);
        _server.Start();
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Silent_peer_loses_consent_its_media_is_then_dropped_and_a_new_check_reconnects()
    {
        using var transport = new TestIceTransport(_server);
        var states = new List<IceState>();
        transport.Agent.StateChanged += states.Add;
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var server = new IPEndPoint(IPAddress.Loopback, _server.UdpPort);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        await client.SendAsync(StunChecks.Check(transport.Parameters, useCandidate: true), server);
        await client.ReceiveAsync(timeout.Token);
        Assert.Equal(IceState.Completed, transport.Read(a => a.State));

        _clock.Advance(TimeSpan.FromSeconds(29));
        _server.Tick();
        Assert.Equal(IceState.Completed, transport.Read(a => a.State));

        _clock.Advance(TimeSpan.FromSeconds(2));
        _server.Tick();
        Assert.Equal(IceState.Disconnected, transport.Read(a => a.State));
        Assert.Null(transport.Read(a => a.SelectedTuple));

        // The tuple was unbound on the server: its media is now an unknown tuple.
        var before = _server.Counters.GetDropped(DropReason.UnknownTuple);
        await client.SendAsync(Convert.FromHexString("806000010000006400000001"), server);
        await WebRtcServerSocketTests.WaitUntil(() => _server.Counters.GetDropped(DropReason.UnknownTuple) == before + 1);

        await client.SendAsync(StunChecks.Check(transport.Parameters), server);
        await client.ReceiveAsync(timeout.Token);
        Assert.Equal(IceState.Connected, transport.Read(a => a.State));
        Assert.Equal([IceState.Completed, IceState.Disconnected, IceState.Connected], transport.Read(_ => states.ToArray()));
    }
}
