using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

/// <summary>Handshakes on a bounded pool of threads; after them, no thread per session.</summary>
public sealed class DtlsHandshakePoolTests
{
    private readonly DtlsHandshakePool _servers = new("test-dtls-server", 2, TimeSpan.FromSeconds(5));
    private readonly DtlsHandshakePool _clients = new("test-dtls-client", 2, TimeSpan.FromSeconds(5));

    private DtlsHandshakePool Pools(DtlsRole role) => role == DtlsRole.Server ? _servers : _clients;

    [Fact]
    public async Task Handshakes_beyond_the_pool_size_wait_their_turn_and_all_complete()
    {
        var pipes = Enumerable.Range(0, 10).Select(_ => new DtlsPipe(handshakePools: Pools)).ToArray();
        try
        {
            await Task.WhenAll(pipes.Select(p => p.ConnectAsync()));

            Assert.All(pipes, p => Assert.Equal(p.Client.SrtpKeys!.LocalMasterKey.ToArray(), p.Server.SrtpKeys!.RemoteMasterKey.ToArray()));
            // Ten handshakes per role through two threads each: eight of them waited their turn.
            Assert.InRange(_servers.PeakThreadCount, 1, 2);
            Assert.InRange(_clients.PeakThreadCount, 1, 2);
        }
        finally
        {
            foreach (var pipe in pipes)
                pipe.Dispose();
        }
    }

    [Fact]
    public async Task A_server_whose_peer_never_speaks_times_out_without_taking_a_thread()
    {
        using var server = new DtlsTransport(TestCertificates.Server, _ => { }, new DtlsTransportOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(300), InitialRetransmitTimeout = TimeSpan.FromMilliseconds(100) }, Pools);
        var states = StateRecorder.Attach(server);

        server.Start(DtlsRole.Server, TestCertificates.Client.Fingerprints);

        string? reason = await states.WaitForAsync(DtlsState.Failed);
        Assert.Contains("timed out", reason);
        Assert.Equal(0, _servers.PeakThreadCount);
    }

    [Fact]
    public async Task A_handshake_still_queued_when_its_timeout_ends_fails_without_sending()
    {
        var (first, second) = await OccupyBothClientThreadsAsync();
        using var firstHeld = first;
        using var secondHeld = second;

        int sent = 0;
        using var third = new DtlsTransport(TestCertificates.Client, _ => Interlocked.Increment(ref sent), new DtlsTransportOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(300), InitialRetransmitTimeout = TimeSpan.FromMilliseconds(100) }, Pools);
        var states = StateRecorder.Attach(third);
        third.Start(DtlsRole.Client, TestCertificates.Server.Fingerprints);

        string? reason = await states.WaitForAsync(DtlsState.Failed);
        Assert.Contains("timed out", reason);
        Assert.Equal(0, Volatile.Read(ref sent));
        Assert.Equal(2, _clients.PeakThreadCount);
    }

    [Fact]
    public async Task Closing_a_queued_handshake_closes_it_at_once()
    {
        var (first, second) = await OccupyBothClientThreadsAsync();
        using var firstHeld = first;
        using var secondHeld = second;
        int sent = 0;
        using var queued = new DtlsTransport(TestCertificates.Client, _ => Interlocked.Increment(ref sent), null, Pools);
        var states = StateRecorder.Attach(queued);
        queued.Start(DtlsRole.Client, TestCertificates.Server.Fingerprints);

        queued.Close();

        Assert.Equal([DtlsState.Connecting, DtlsState.Closed], states.States);
        Assert.Equal(0, Volatile.Read(ref sent));
        first.Close();
        second.Close();
        Assert.Equal(DtlsState.Closed, first.State);
    }

    [Fact]
    public async Task Losing_the_servers_final_flight_is_answered_after_the_handshake_from_the_queued_retransmission()
    {
        // The server is connected once it sent its final flight (ChangeCipherSpec, Finished); with no thread of its own
        // left, it must answer the client's retransmitted flight when that is fed to it.
        int droppedCcs = 0, droppedFinished = 0;
        using var pipe = new DtlsPipe(
            serverOptions: new DtlsTransportOptions { InitialRetransmitTimeout = TimeSpan.FromMilliseconds(150) },
            clientOptions: new DtlsTransportOptions { InitialRetransmitTimeout = TimeSpan.FromMilliseconds(150) },
            dropFromServer: (_, datagram) =>
                (datagram[0] == 20 && Interlocked.CompareExchange(ref droppedCcs, 1, 0) == 0)
                || (datagram[0] == 22 && datagram[4] == 1 && Interlocked.CompareExchange(ref droppedFinished, 1, 0) == 0),
            handshakePools: Pools);

        await pipe.ConnectAsync();

        Assert.Equal(1, droppedCcs);
        Assert.Equal(1, droppedFinished);
        Assert.Equal(pipe.Client.SrtpKeys!.LocalMasterKey.ToArray(), pipe.Server.SrtpKeys!.RemoteMasterKey.ToArray());
    }

    /// <summary>Two client handshakes whose servers never answer: they hold both client threads until closed.</summary>
    private async Task<(DtlsTransport, DtlsTransport)> OccupyBothClientThreadsAsync()
    {
        var first = new DtlsTransport(TestCertificates.Client, _ => { }, null, Pools);
        var second = new DtlsTransport(TestCertificates.Client, _ => { }, null, Pools);
        first.Start(DtlsRole.Client, TestCertificates.Server.Fingerprints);
        second.Start(DtlsRole.Client, TestCertificates.Server.Fingerprints);
        await WaitUntil(() => first.Counters.DatagramsSent > 0 && second.Counters.DatagramsSent > 0);
        return (first, second);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + DtlsPipe.Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
