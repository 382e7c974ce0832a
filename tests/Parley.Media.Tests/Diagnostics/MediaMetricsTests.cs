using Parley.Media.Diagnostics;
using Parley.Media.Net;
using Parley.Media.Rtcp;
using Parley.Media.Tests.Ortc;
using Parley.Media.Tests.Routing;

namespace Parley.Media.Tests.Diagnostics;

public sealed class MediaMetricsTests
{
    private const int PacketCount = 25;

    /// <summary>A meter over a registry of this test's own, so workers of tests running alongside do not add up.</summary>
    private sealed class IsolatedMeter : IDisposable
    {
        private readonly System.Diagnostics.Metrics.Meter _meter;

        public IsolatedMeter()
        {
            var name = "Parley.Media.Tests." + Guid.NewGuid().ToString("N");
            Recorder = new MetricsRecorder(name);
            _meter = MediaMetrics.CreateMeter(name, Registry);
        }

        public MediaStatisticsRegistry Registry { get; } = new();

        public MetricsRecorder Recorder { get; }

        public void Dispose()
        {
            _meter.Dispose();
            Recorder.Dispose();
        }
    }

    private static Task RefreshAsync(RoutingScenario scenario) => scenario.Worker.InvokeAsync(scenario.Worker.PublishStatistics);

    private static byte[][] Packets(RoutingScenario scenario, int count, uint? ssrc = null) =>
        [.. Enumerable.Range(0, count).Select(i => TestRtp.Build(
            scenario.ProducerPayloadType, (ushort)(100 + i), (uint)(i * 960), ssrc ?? scenario.ProducerSsrc, [(byte)i, 1, 2, 3]))];

    private static Task FeedAsync(RoutingScenario scenario, byte[][] packets) => scenario.Worker.InvokeAsync(() =>
    {
        foreach (var packet in packets)
        {
            scenario.ProducerTransport.HandleRtp(packet);
        }
    });

    [Fact]
    public async Task Live_objects_and_traffic_of_a_worker_show_after_a_refresh()
    {
        using var meter = new IsolatedMeter();
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile, registry: meter.Registry);
        await scenario.AddConsumerAsync();
        await scenario.AddConsumerAsync();
        var packets = Packets(scenario, PacketCount);
        var bytes = packets.Sum(p => (long)p.Length);

        await FeedAsync(scenario, packets);
        await RefreshAsync(scenario);
        var observed = meter.Recorder.Observe();

        Assert.Equal(1, observed["parley.media.workers"]);
        Assert.Equal(1, observed["parley.media.routers"]);
        Assert.Equal(3, observed["parley.media.transports{kind=plain}"]);
        Assert.Equal(0, observed["parley.media.transports{kind=webrtc}"]);
        Assert.Equal(1, observed["parley.media.producers{kind=audio}"]);
        Assert.Equal(0, observed["parley.media.producers{kind=video}"]);
        Assert.Equal(2, observed["parley.media.consumers"]);
        Assert.Equal(PacketCount, observed["parley.media.rtp.packets.received"]);
        Assert.Equal(bytes, observed["parley.media.rtp.bytes.received"]);
        Assert.True(observed["parley.media.rtp.packets.sent"] >= 2 * PacketCount, $"sent {observed["parley.media.rtp.packets.sent"]}");
        Assert.True(observed["parley.media.rtp.bytes.sent"] > 0);
        Assert.Equal(0, observed["parley.media.packets.dropped{layer=transport,reason=UnknownSsrc}"]);
    }

    [Fact]
    public async Task The_worker_refreshes_on_its_own_timer()
    {
        using var meter = new IsolatedMeter();
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile, registry: meter.Registry);
        await scenario.AddConsumerAsync();

        await Eventually.TrueAsync(
            () => Task.FromResult(meter.Recorder.Observe().Values.GetValueOrDefault("parley.media.consumers") == 1),
            "the worker's periodic refresh to publish the consumer");
    }

    [Fact]
    public async Task Unknown_ssrc_and_malformed_packets_are_counted_by_reason()
    {
        using var meter = new IsolatedMeter();
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile, registry: meter.Registry);

        await FeedAsync(scenario, Packets(scenario, 3, ssrc: scenario.ProducerSsrc + 1));
        await FeedAsync(scenario, [[0x8F, 0x6F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0x80]]);
        await RefreshAsync(scenario);
        var observed = meter.Recorder.Observe();

        Assert.Equal(3, observed["parley.media.packets.dropped{layer=transport,reason=UnknownSsrc}"]);
        Assert.Equal(1, observed["parley.media.packets.dropped{layer=transport,reason=MalformedRtp}"]);
        Assert.Equal(0, observed["parley.media.rtp.packets.received"]);
        Assert.Equal(0, observed["parley.media.packets.dropped{layer=server,reason=Malformed}"]);
    }

    [Fact]
    public async Task A_nack_from_a_consumer_is_counted()
    {
        using var meter = new IsolatedMeter();
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile, registry: meter.Registry);
        var (transport, consumer, _) = await scenario.AddConsumerAsync();
        var nack = new byte[64];
        var ssrc = consumer.RtpParameters.Encodings[0].Ssrc!.Value;
        Assert.True(RtcpGenericNack.TryWrite(nack, 1234, ssrc, [7, 8], out var length));

        await scenario.Worker.InvokeAsync(() => transport.HandleRtcp(nack.AsSpan(0, length)));
        await RefreshAsync(scenario);

        Assert.Equal(1, meter.Recorder.Observe()["parley.media.rtcp.nacks.received"]);
    }

    [Fact]
    public async Task Closing_consumers_and_the_worker_never_lowers_cumulative_counts()
    {
        using var meter = new IsolatedMeter();
        var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile, registry: meter.Registry);
        await using (scenario)
        {
            await scenario.AddConsumerAsync();
            await scenario.AddConsumerAsync();
            await FeedAsync(scenario, Packets(scenario, PacketCount));
            await FeedAsync(scenario, Packets(scenario, 2, ssrc: scenario.ProducerSsrc + 1));
            await RefreshAsync(scenario);
        }

        var before = meter.Recorder.Observe();
        Assert.True(before["parley.media.rtp.packets.sent"] >= 2 * PacketCount);

        foreach (var (transport, _, _) in scenario.Consumers)
        {
            Assert.True(transport.IsClosed);
        }

        var after = meter.Recorder.Observe();
        Assert.Equal(0, after["parley.media.workers"]);
        Assert.Equal(0, after["parley.media.routers"]);
        Assert.Equal(0, after["parley.media.consumers"]);
        Assert.Equal(0, after["parley.media.transports{kind=plain}"]);
        Assert.Equal(0, after["parley.media.producers{kind=audio}"]);
        Assert.Equal(before["parley.media.rtp.packets.received"], after["parley.media.rtp.packets.received"]);
        Assert.Equal(before["parley.media.rtp.bytes.received"], after["parley.media.rtp.bytes.received"]);
        Assert.True(after["parley.media.rtp.packets.sent"] >= before["parley.media.rtp.packets.sent"]);
        Assert.True(after["parley.media.rtp.bytes.sent"] >= before["parley.media.rtp.bytes.sent"]);
        Assert.Equal(2, after["parley.media.packets.dropped{layer=transport,reason=UnknownSsrc}"]);
    }

    [Fact]
    public async Task A_transport_closed_alone_keeps_its_traffic_in_the_totals()
    {
        using var meter = new IsolatedMeter();
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile, registry: meter.Registry);
        var (transport, _, _) = await scenario.AddConsumerAsync();
        await FeedAsync(scenario, Packets(scenario, PacketCount));
        await RefreshAsync(scenario);
        var before = meter.Recorder.Observe();

        await transport.CloseAsync();
        await RefreshAsync(scenario);
        var after = meter.Recorder.Observe();

        Assert.Equal(1, before["parley.media.consumers"]);
        Assert.Equal(0, after["parley.media.consumers"]);
        Assert.Equal(1, after["parley.media.transports{kind=plain}"]);
        Assert.True(before["parley.media.rtp.packets.sent"] >= PacketCount);
        Assert.True(after["parley.media.rtp.packets.sent"] >= before["parley.media.rtp.packets.sent"]);
    }

    [Fact]
    public async Task The_process_wide_meter_is_Parley_Media_with_every_instrument()
    {
        using var recorder = new MetricsRecorder(MediaMetrics.MeterName);
        await using var scenario = await RoutingScenario.StartAsync(OrtcTestData.AudioOpusFile);
        await scenario.AddConsumerAsync();
        await scenario.AddConsumerAsync();
        var sentBefore = recorder.Observe()["parley.media.rtp.packets.sent"];

        await FeedAsync(scenario, Packets(scenario, PacketCount));
        await RefreshAsync(scenario);
        var observed = recorder.Observe();

        Assert.Equal(MediaMetrics.MeterName, MediaMetrics.Meter.Name);
        Assert.Equal("{packet}", recorder.Instruments["parley.media.rtp.packets.sent"]);
        Assert.Equal("By", recorder.Instruments["parley.media.rtp.bytes.received"]);
        Assert.Equal("{consumer}", recorder.Instruments["parley.media.consumers"]);
        foreach (var name in new[]
        {
            "parley.media.workers", "parley.media.routers", "parley.media.transports", "parley.media.producers", "parley.media.consumers",
            "parley.media.rtp.packets.received", "parley.media.rtp.packets.sent", "parley.media.rtp.bytes.received", "parley.media.rtp.bytes.sent",
            "parley.media.rtp.retransmissions.sent", "parley.media.rtcp.nacks.received", "parley.media.keyframe_requests.sent",
            "parley.media.packets.dropped", "parley.media.datagrams.failed", "parley.media.worker.faults",
        })
        {
            Assert.Contains(name, recorder.Instruments.Keys);
        }

        Assert.True(observed["parley.media.workers"] >= 1);
        Assert.True(observed["parley.media.consumers"] >= 2);
        // Other tests' workers add to the process-wide meter, never subtract from it.
        Assert.True(observed["parley.media.rtp.packets.sent"] - sentBefore >= 2 * PacketCount);
    }

    [Fact]
    public async Task Drops_at_the_shared_WebRTC_port_are_counted_and_kept_after_the_server_is_disposed()
    {
        using var recorder = new MetricsRecorder(MediaMetrics.MeterName);
        const string key = "parley.media.packets.dropped{layer=server,reason=Malformed}";
        var before = recorder.Observe()[key];
        var server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        server.Start();
        using (var sender = new UdpPeer())
        {
            for (var i = 0; i < 3; i++)
            {
                sender.SendTo(server.UdpPort, Enumerable.Repeat((byte)0xFF, 20).ToArray());
            }

            await Eventually.TrueAsync(() => Task.FromResult(server.Counters.GetDropped(DropReason.Malformed) == 3), "the server to drop the datagrams");
        }

        // Other tests' servers only add to the process-wide count.
        Assert.True(recorder.Observe()[key] - before >= 3);
        server.Dispose();
        Assert.True(recorder.Observe()[key] - before >= 3);
    }
}
