using Parley.Media.Dtls;
using Parley.Media.Net;
using Parley.Media.Routing;
using Parley.Media.Tests.Dtls;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Transports;

/// <summary>Runs alone: it counts the process's threads, which tests running beside it would disturb.</summary>
[CollectionDefinition(nameof(ThreadCountCollection), DisableParallelization = true)]
public sealed class ThreadCountCollection;

/// <summary>DTLS holds no thread per session: connected transports cost the process no threads of their own.</summary>
[Collection(nameof(ThreadCountCollection))]
public sealed class WebRtcTransportThreadCountTests : IAsyncDisposable
{
    private const int Transports = 50;

    /// <summary>Room for the runtime's own threads (thread pool growth, timers, finalizer) beside the DTLS pools.</summary>
    private const int RuntimeSlack = 12;

    private readonly WebRtcServer _server;
    private readonly Worker _worker = TestWorkers.Create();
    private readonly List<IDisposable> _peers = [];

    public WebRtcTransportThreadCountTests()
    {
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        _server.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.CloseAsync();
        foreach (var peer in _peers)
            peer.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task Fifty_connected_transports_and_their_peers_add_no_thread_per_session()
    {
        var router = await _worker.CreateRouterAsync();
        // Warm up: one full connection, so lazily started runtime threads already exist in the baseline.
        await ConnectAsync(router);
        var baseline = ProcessThreads();

        var transports = new List<WebRtcTransport>();
        for (var i = 0; i < Transports; i++)
            transports.Add(await ConnectAsync(router));

        Assert.All(transports, t => Assert.Equal(DtlsState.Connected, t.DtlsState));
        var growth = ProcessThreads() - baseline;
        // Both ends of every session are ours here (server transports and client peers), so a thread per session
        // would add 2 × 50; the pools add at most their bound whatever the number of sessions.
        var bound = DtlsHandshakePool.Server.MaxThreads + DtlsHandshakePool.Client.MaxThreads + RuntimeSlack;
        Assert.True(bound < Transports, $"The bound {bound} must stay below the number of sessions for the test to mean anything.");
        Assert.True(growth <= bound, $"{growth} threads were added for {Transports} sessions (bound {bound}).");
    }

    private static int ProcessThreads()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
                return int.Parse(line.AsSpan("Threads:".Length).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        throw new InvalidOperationException("/proc/self/status has no Threads line.");
    }

    private async Task<WebRtcTransport> ConnectAsync(Router router)
    {
        var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = _server, Certificate = TestCertificates.Server });
        var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        _peers.Add(peer);
        await peer.ConnectAsync(transport);
        return transport;
    }
}
