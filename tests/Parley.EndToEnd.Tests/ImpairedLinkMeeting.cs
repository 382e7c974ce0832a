using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Parley.Media.Allocation;
using Parley.Media.Ortc;
using Parley.Media.Rtc;
using Parley.Media.Routing;
using Parley.NetRelay;
using Parley.Server.RoomMedia;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// A meeting on a server of its own whose media port browsers reach through a <see cref="UdpImpairmentRelay"/>: the
/// server announces the relay's port in its ICE candidates (<c>Media:AnnouncedPort</c>, as behind a port forward), so
/// each of a browser's peer connections gets a flow of its own through the relay — its own access link — and
/// <see cref="SetDownlink"/> limits what the server sends into each. Alice sends the web client's camera (three VP8
/// simulcast layers) and microphone; Bob, camera and microphone off, receives them in a 1920×1080 window, where
/// Alice's tile wants the top layer. Only Bob's receiving flow carries much downstream: Alice's flows carry RTCP.
/// Used by <c>ImpairedLinkTests</c> and by the bench <c>bench/adaptive</c>.
/// </summary>
public sealed class ImpairedLinkMeeting : IAsyncDisposable
{
    /// <summary>The receiving page's view of Alice's camera and microphone (inbound-rtp stats).</summary>
    private const string ReceivedScript = """
        async (userId) => {
          const parley = window.parley;
          if (!parley) return null;
          const out = { spatialLayer: null, temporalLayer: null, frameWidth: 0, framesDecoded: 0, videoBytesReceived: 0, freezeCount: 0, totalFreezesDuration: 0,
            audioPacketsReceived: 0, totalSamplesReceived: 0, totalAudioEnergy: 0 };
          let found = false;
          for (const consumer of parley.consumers.values()) {
            if (consumer.closed || consumer.appData.userId !== userId) continue;
            const report = await consumer.getStats();
            report.forEach((s) => {
              if (s.type !== 'inbound-rtp') return;
              if (consumer.kind === 'video' && consumer.appData.source === 'cam') {
                found = true;
                const layers = parley.consumerLayers.get(consumer.id);
                out.spatialLayer = layers?.spatialLayer ?? null;
                out.temporalLayer = layers?.temporalLayer ?? null;
                out.frameWidth = s.frameWidth ?? 0;
                out.framesDecoded = s.framesDecoded ?? 0;
                out.videoBytesReceived = s.bytesReceived ?? 0;
                out.freezeCount = s.freezeCount ?? 0;
                out.totalFreezesDuration = s.totalFreezesDuration ?? 0;
              } else if (consumer.kind === 'audio' && consumer.appData.source === 'mic') {
                out.audioPacketsReceived = s.packetsReceived ?? 0;
                out.totalSamplesReceived = s.totalSamplesReceived ?? 0;
                out.totalAudioEnergy = s.totalAudioEnergy ?? 0;
              }
            });
          }
          return found ? out : null;
        }
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly long _started = Stopwatch.GetTimestamp();

    private ImpairedLinkMeeting(UdpImpairmentRelay relay, MeetingServer server)
    {
        Relay = relay;
        Server = server;
    }

    public UdpImpairmentRelay Relay { get; }

    public MeetingServer Server { get; }

    public Participant Alice { get; private set; } = null!;

    public Participant Bob { get; private set; } = null!;

    /// <summary>The downstream rate now set, bits per second.</summary>
    public long Downlink { get; private set; }

    /// <summary>Starts the server behind the relay at <paramref name="downlinkBitsPerSecond"/> and brings both people into a room.</summary>
    public static async Task<ImpairedLinkMeeting> StartAsync(IBrowser browser, long downlinkBitsPerSecond)
    {
        var mediaPort = MeetingServer.FreePort();
        var relay = new UdpImpairmentRelay(new IPEndPoint(IPAddress.Loopback, mediaPort));
        var server = new MeetingServer(new Dictionary<string, string>
        {
            ["Media:Port"] = mediaPort.ToString(CultureInfo.InvariantCulture),
            ["Media:AnnouncedPort"] = relay.ListenEndPoint.Port.ToString(CultureInfo.InvariantCulture),
        });
        var meeting = new ImpairedLinkMeeting(relay, server);
        meeting.SetDownlink(downlinkBitsPerSecond);
        meeting.Alice = await MeetingFixture.OpenAsync(browser, "Alice", server.BaseAddress, server.Log);
        meeting.Bob = await MeetingFixture.OpenAsync(browser, "Bob", server.BaseAddress, server.Log);
        await meeting.Alice.SignUpAsync();
        var joinCode = await meeting.Alice.CreateRoomAsync();
        await meeting.Alice.EnterCreatedRoomAsync();
        await meeting.Bob.Page.SetViewportSizeAsync(1920, 1080);
        await meeting.Bob.JoinAsGuestWithoutSendingAsync(joinCode);
        return meeting;
    }

    /// <summary>
    /// Limits each flow's downstream to <paramref name="bitsPerSecond"/> as a bottleneck link does: packets leave one
    /// after another at that rate (a bucket of one packet, no burst that a short probe could pass through at any rate)
    /// from a drop-tail queue of 300 ms at that rate (at least 20 kB, so that a keyframe of the lowest layer fits).
    /// </summary>
    public void SetDownlink(long bitsPerSecond)
    {
        Downlink = bitsPerSecond;
        Relay.SetImpairment(RelayDirection.Downstream, ImpairmentSettings.RateLimited(bitsPerSecond) with
        {
            BurstBytes = 1_500,
            QueueLimitBytes = (int)Math.Max(20_000, bitsPerSecond * 3 / 80),
        });
    }

    /// <summary>Seconds since the meeting object was made (the clock of <see cref="LinkSample.At"/>).</summary>
    public double Now => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>What Bob receives of Alice now, with the relay's counters of his receiving flow and the server's estimate; null before the camera is consumed.</summary>
    public async Task<LinkSample?> SampleAsync()
    {
        var at = Now;
        var page = await Bob.Page.EvaluateAsync<JsonElement>(ReceivedScript, Alice.UserId);
        var flow = Relay.Flows().MaxBy(f => f.Downstream.OfferedBytes);
        if (page.ValueKind == JsonValueKind.Null || flow is null)
        {
            return null;
        }

        var received = page.Deserialize<PageSample>(Json)!;
        return new LinkSample(
            at, Downlink, received.SpatialLayer, received.TemporalLayer, received.FrameWidth, received.FramesDecoded, received.VideoBytesReceived,
            received.FreezeCount, received.TotalFreezesDuration, received.AudioPacketsReceived, received.TotalSamplesReceived, received.TotalAudioEnergy,
            flow.Downstream.OfferedBytes, flow.Downstream.ForwardedBytes, flow.Downstream.DroppedPackets, await EstimateAsync());
    }

    /// <summary>Waits until a sample satisfies <paramref name="condition"/>; fails with the last samples and the server's view.</summary>
    public async Task<LinkSample> WaitForAsync(Func<LinkSample, bool> condition, string what, TimeSpan timeout, List<LinkSample>? record = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = new List<LinkSample>();
        while (true)
        {
            if (await SampleAsync() is { } sample)
            {
                seen.Add(sample);
                record?.Add(sample);
                if (condition(sample))
                {
                    return sample;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Bob waiting for {what} at {Downlink} bit/s; last samples:\n{string.Join("\n", seen.TakeLast(12))}\n"
                    + $"{await DiagnosticsAsync()}\nBob: {await Bob.DescribeAsync()}\n{Bob.ConsoleTail}\nAlice sends: {await Alice.SentCameraAsync()}\n"
                    + $"server:\n{Server.Log.Tail()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The server's view for failure messages and the bench: relay flows, Bob's consumers' layers, his receiving transport.</summary>
    public async Task<string> DiagnosticsAsync()
    {
        var lines = Relay.Flows().Select(f => $"flow {f.Client} → {f.TargetSide}: up {f.Upstream}, down {f.Downstream}").ToList();
        if (BobsCamera() is { } camera)
        {
            lines.Add($"Bob's camera consumer: preferred {camera.Entry.Consumer.PreferredLayers}, current {camera.Entry.Consumer.CurrentLayers}, "
                + $"paused {camera.Entry.Consumer.IsPaused}");
            if (AlicesCamera() is { } producer)
            {
                var encodings = await producer.GetStatsAsync();
                lines.Add("Alice's camera encodings: " + string.Join(", ", encodings.Select(e =>
                    $"{e.Rid ?? e.Ssrc.ToString(CultureInfo.InvariantCulture)} {e.Bitrate / 1000} kbit/s, last keyframe {e.KeyFrameBytes} B")));
            }
            if (camera.Peer.Transports.TryGetValue(camera.Entry.TransportId, out var transport))
            {
                lines.Add($"Bob's receiving transport: {JsonSerializer.Serialize(await transport.GetStatsAsync())}");
            }
        }

        return string.Join("\n", lines);
    }

    /// <summary>The server's estimate for Bob's receiving transport (<c>availableOutgoingBitrate</c>), when it runs.</summary>
    public async Task<long?> EstimateAsync() => (await ReceivingTransportStatsAsync())?.AvailableOutgoingBitrate;

    /// <summary>The stats of Bob's receiving transport (with the estimator's parts), null before his camera consumer exists.</summary>
    public async Task<TransportStats?> ReceivingTransportStatsAsync() =>
        BobsCamera() is { } camera && camera.Peer.Transports.TryGetValue(camera.Entry.TransportId, out var transport)
            ? await transport.GetStatsAsync()
            : null;

    /// <summary>
    /// Packets of Alice's camera encodings received by the server, and of Bob's camera consumer sent, so far (what the
    /// bench samples to tell a sender that stopped from a consumer that did not forward); null before both exist.
    /// </summary>
    public async Task<ForwardingCounts?> ForwardingCountsAsync()
    {
        if (AlicesCamera() is not { } producer || BobsCamera() is not { } camera)
        {
            return null;
        }

        var encodings = await producer.GetStatsAsync();
        var consumer = camera.Entry.Consumer;
        var sent = await consumer.GetStatsAsync();
        return new ForwardingCounts(
            [.. encodings.Select(e => e.PacketCount)], sent.OfType<ConsumerStreamStats>().Sum(s => s.PacketCount), await LayerCostsAsync(consumer));
    }

    // What the transport's allocation costs each (spatial, temporal) layer of the consumer at now, row by row (bit/s).
    private static async Task<long[]?> LayerCostsAsync(Consumer consumer)
    {
        if (consumer is not ILayerAllocatedConsumer layered)
        {
            return null;
        }

        var worker = consumer.Transport.Worker;
        return await worker.InvokeAsync(() =>
        {
            var costs = new LayerBitrates(layered.SpatialLayerCount, layered.TemporalLayerCount);
            layered.MeasureLayerCosts(costs, worker.Timers.Now, consumer.Transport.Router.StreamInactivityMs);
            return Enumerable.Range(0, costs.SpatialLayers)
                .SelectMany(s => Enumerable.Range(0, costs.TemporalLayers).Select(t => costs[s, t]))
                .ToArray();
        });
    }

    private Producer? AlicesCamera() =>
        Server.Services.GetRequiredService<MediaRooms>().FindRoom(Alice.RoomId!) is { } room
            ? room.Peers.Values.Where(p => p.Peer.UserId == Alice.UserId)
                .SelectMany(p => p.Producers.Values).FirstOrDefault(p => p.Source == MediaSource.Cam)?.Producer
            : null;

    private (PeerMedia Peer, ConsumerEntry Entry)? BobsCamera()
    {
        if (Server.Services.GetRequiredService<MediaRooms>().FindRoom(Alice.RoomId!) is not { } room)
        {
            return null;
        }

        foreach (var peer in room.Peers.Values.Where(p => p.Peer.UserId == Bob.UserId))
        {
            foreach (var entry in peer.Consumers.Values.Where(c => c.Consumer.Kind == MediaKind.Video))
            {
                return (peer, entry);
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Bob is not null)
        {
            await Bob.DisposeAsync();
        }

        if (Alice is not null)
        {
            await Alice.DisposeAsync();
        }

        Server.Dispose();
        await Relay.DisposeAsync();
    }

    private sealed record PageSample(
        int? SpatialLayer, int? TemporalLayer, long FrameWidth, long FramesDecoded, long VideoBytesReceived, long FreezeCount, double TotalFreezesDuration,
        long AudioPacketsReceived, double TotalSamplesReceived, double TotalAudioEnergy);
}

/// <summary>One look at Bob's reception of Alice's camera and microphone.</summary>
/// <param name="At">Seconds since the meeting started.</param>
/// <param name="Downlink">The relay's downstream rate then, bits per second.</param>
/// <param name="SpatialLayer">The spatial layer the server last reported (<c>consumerLayersChanged</c>).</param>
/// <param name="TemporalLayer">The temporal layer the server last reported with it.</param>
/// <param name="FrameWidth">Width of the last decoded frame.</param>
/// <param name="FramesDecoded">Video frames decoded so far.</param>
/// <param name="VideoBytesReceived">Video payload bytes received so far (inbound-rtp).</param>
/// <param name="FreezeCount">Chromium's count of video freezes.</param>
/// <param name="TotalFreezesDuration">Seconds of video frozen so far.</param>
/// <param name="AudioPacketsReceived">Microphone packets received so far.</param>
/// <param name="TotalSamplesReceived">Audio samples received so far.</param>
/// <param name="TotalAudioEnergy">Audio energy received so far.</param>
/// <param name="ServerSentBytes">Bytes the server sent into Bob's receiving flow (all RTP and RTCP, as offered to the relay).</param>
/// <param name="DeliveredBytes">Of those, bytes that got through the link.</param>
/// <param name="LinkDrops">Packets the link dropped.</param>
/// <param name="Estimate">The server's <c>availableOutgoingBitrate</c> for Bob's receiving transport.</param>
public sealed record LinkSample(
    double At, long Downlink, int? SpatialLayer, int? TemporalLayer, long FrameWidth, long FramesDecoded, long VideoBytesReceived, long FreezeCount,
    double TotalFreezesDuration, long AudioPacketsReceived, double TotalSamplesReceived, double TotalAudioEnergy,
    long ServerSentBytes, long DeliveredBytes, long LinkDrops, long? Estimate);

/// <summary>Packets received per encoding of a producer, packets a consumer of it sent, and the consumer's layer costs.</summary>
public sealed record ForwardingCounts(long[] Received, long Sent, long[]? LayerCosts);
