using System.Net;
using Parley.Media.Diagnostics;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Tests.Ortc;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// A worker and router with one comedia producer transport fed by <see cref="Sender"/> and consumer transports each
/// connected to its own <see cref="UdpPeer"/>, over real UDP on 127.0.0.1.
/// </summary>
internal sealed class RoutingScenario : IAsyncDisposable
{
    private RoutingScenario(Worker worker, Router router, PlainTransport producerTransport)
    {
        Worker = worker;
        Router = router;
        ProducerTransport = producerTransport;
    }

    public Worker Worker { get; }

    public Router Router { get; }

    public PlainTransport ProducerTransport { get; }

    public UdpPeer Sender { get; } = new();

    public Producer Producer { get; private set; } = null!;

    public List<(PlainTransport Transport, Consumer Consumer, UdpPeer Peer)> Consumers { get; } = [];

    /// <param name="producerFile">Captured producer parameters (see <see cref="OrtcTestData"/>).</param>
    /// <param name="portableWorker">Run the worker as on platforms without epoll: sockets read by the runtime, datagrams queued.</param>
    /// <param name="registry">Where the worker reports its statistics (the metrics tests' own, not the process-wide one).</param>
    public static Task<RoutingScenario> StartAsync(string producerFile, bool portableWorker = false, MediaStatisticsRegistry? registry = null) =>
        StartAsync(OrtcTestData.Producer(producerFile), portableWorker, registry);

    /// <param name="parameters">The producer's RTP parameters.</param>
    /// <param name="portableWorker">As above.</param>
    /// <param name="registry">As above.</param>
    /// <param name="streamInactivityMs">
    /// When a silent simulcast stream counts as stopped. Long by default: a test machine that stalls for a second must
    /// not look like a sender that stopped. Tests of stopped streams pass the production value.
    /// </param>
    /// <param name="loggerFactory">Where the worker logs (nowhere by default).</param>
    public static async Task<RoutingScenario> StartAsync(
        RtpParameters parameters,
        bool portableWorker = false,
        MediaStatisticsRegistry? registry = null,
        int streamInactivityMs = 60_000,
        Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        // Not shed on a stalled test machine (TestWorkers).
        var worker = new Worker(null, portableWorker, registry, loggerFactory, maxQueueDelay: TestWorkers.MaxQueueDelay);
        var router = await worker.CreateRouterAsync(new RouterOptions { StreamInactivityMs = streamInactivityMs });
        var transport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true });
        var scenario = new RoutingScenario(worker, router, transport);
        var kind = parameters.Codecs[0].MimeType.StartsWith("audio", StringComparison.Ordinal) ? MediaKind.Audio : MediaKind.Video;
        scenario.Producer = await transport.ProduceAsync(kind, parameters);
        return scenario;
    }

    public uint ProducerSsrc => Producer.RtpParameters.Encodings[0].Ssrc!.Value;

    public byte ProducerPayloadType => (byte)Producer.RtpParameters.Codecs[0].PayloadType;

    /// <param name="resume">Resume the consumer (it starts paused).</param>
    /// <param name="device">The consuming device's capabilities; the checked-in Chromium ones by default.</param>
    public async Task<(PlainTransport Transport, Consumer Consumer, UdpPeer Peer)> AddConsumerAsync(bool resume = true, RtpCapabilities? device = null)
    {
        var peer = new UdpPeer();
        var transport = await Router.CreatePlainTransportAsync();
        await transport.ConnectAsync(IPAddress.Loopback, peer.Port);
        var consumer = await transport.ConsumeAsync(Producer.Id, device ?? OrtcTestData.DeviceCapabilities());
        if (resume)
        {
            await consumer.ResumeAsync();
        }

        var entry = (transport, consumer, peer);
        Consumers.Add(entry);
        return entry;
    }

    /// <summary>Sends a packet from the producer's side and waits until the producer has counted it.</summary>
    public async Task SendAndWaitAsync(byte[] packet)
    {
        var before = await ReceivedAsync();
        Sender.SendTo(ProducerTransport.Tuple.LocalPort, packet);
        await Eventually.TrueAsync(async () => await ReceivedAsync() > before, "the producer transport to receive the packet");
    }

    /// <summary>
    /// Feeds <paramref name="packets"/> to the producer transport on the worker thread, the first
    /// <paramref name="warmUp"/> untimed (first calls may allocate once: lazy statics, tiered-JIT stubs, one-off events),
    /// and returns the bytes the rest allocated on that thread and the copies the consumers sent for them.
    /// </summary>
    /// <summary>
    /// Feeds <paramref name="warmUp"/> packets, then the rest in <see cref="AllocationMeter.Rounds"/> equal rounds, in one
    /// worker call; returns the least any round allocated and what the consumers sent after the warm-up.
    /// </summary>
    public Task<(long Allocated, long Sent)> FeedAndMeasureAllocationsAsync(byte[][] packets, int warmUp) => Worker.InvokeAsync(() =>
    {
        var perRound = (packets.Length - warmUp) / AllocationMeter.Rounds;
        Assert.Equal(packets.Length, warmUp + (perRound * AllocationMeter.Rounds));
        for (var i = 0; i < warmUp; i++)
        {
            ProducerTransport.HandleRtp(packets[i]);
        }

        var sentBefore = Consumers.Sum(c => c.Transport.Counters.PacketsSent);
        var allocated = AllocationMeter.LeastPerRound(round =>
        {
            var first = warmUp + (round * perRound);
            for (var i = first; i < first + perRound; i++)
            {
                ProducerTransport.HandleRtp(packets[i]);
            }
        });
        return (allocated, Consumers.Sum(c => c.Transport.Counters.PacketsSent) - sentBefore);
    });

    public Task<long> ReceivedAsync() => Worker.InvokeAsync(() => ProducerTransport.Counters.PacketsReceived);

    public Task<long> KeyFramesAsync() => Worker.InvokeAsync(() => Producer.Streams[0].KeyFrameCount);

    public async ValueTask DisposeAsync()
    {
        await Worker.CloseAsync();
        Sender.Dispose();
        foreach (var (_, _, peer) in Consumers)
        {
            peer.Dispose();
        }
    }
}
