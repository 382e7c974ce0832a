using System.Collections.Concurrent;
using Parley.Media.Allocation;
using Parley.Media.Ortc;
using Parley.Media.Tests.Ortc;
using Parley.Media.Routing;
using Parley.Media.Tests.Routing;
using Xunit.Abstractions;

namespace Parley.Media.Tests.Transports;

/// <summary>
/// A three-layer VP8 simulcast producer (about 100, 300 and 800 kbit/s) consumed over a WebRtcTransport behind a
/// simulated bottleneck: the estimate from the receiver's feedback decides the layer the consumer forwards.
/// </summary>
public sealed class BandwidthAllocationTests(ITestOutputHelper output)
{
    private const uint FirstSsrc = 0x5100_0000;
    private const uint SecondSsrc = 0x5200_0000;
    private static readonly int[] PacketsPerFrame = [1, 2, 4];
    private static readonly int[] PacketSize = [500, 750, 1000];

    [Fact]
    public async Task Feedback_from_a_link_that_narrows_drops_the_consumer_to_the_lowest_layer()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var (_, consumer) = await scenario.ProduceAndConsumeAsync(MediaKind.Video, SimulcastTests.SimulcastParameters());
        await using var link = new SimulatedDownlink(scenario.Peer, 3_000_000);
        using var sending = SendSimulcast(scenario);

        // A 3 Mbit/s link: the start probes find room for the top layer.
        await WaitForLayer(consumer, 2, "the top layer on a 3 Mbit/s link");

        // 150 kbit/s: only the lowest layer fits.
        link.CapacityBitsPerSecond = 150_000;
        await WaitForLayer(consumer, 0, "the lowest layer on a 150 kbit/s link", scenario: scenario, link: link);
        await BandwidthScenario.WaitForAsync(
            async () => (await scenario.Transport.GetStatsAsync()).AvailableOutgoingBitrate < 300_000, "the estimate under 300 kbit/s");
        Assert.True(link.Dropped > 0, "the bottleneck dropped packets");
    }

    [Fact]
    public async Task Feedback_from_a_link_that_all_but_closes_pauses_the_consumer_and_probing_brings_it_back()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var (_, consumer) = await scenario.ProduceAndConsumeAsync(MediaKind.Video, SimulcastTests.SimulcastParameters());
        var changes = new ConcurrentQueue<ConsumerLayers?>();
        consumer.LayersChanged += (_, layers) => changes.Enqueue(layers);
        await using var link = new SimulatedDownlink(scenario.Peer, 3_000_000);
        using var sending = SendSimulcast(scenario);
        await WaitForLayer(consumer, 2, "the top layer on a 3 Mbit/s link", scenario: scenario);

        // 40 kbit/s: nothing fits. The loss between feedback packets must be reported for the estimate to fall.
        link.CapacityBitsPerSecond = 40_000;
        await WaitForLayer(consumer, null, "the consumer paused on a 40 kbit/s link", seconds: 40, scenario, link);
        await BandwidthScenario.WaitForAsync(() => Task.FromResult(!changes.IsEmpty && changes.Last() is null), "LayersChanged(null)");

        // Back to 3 Mbit/s: probes find the room again, the consumer resumes and climbs back to the top.
        link.CapacityBitsPerSecond = 3_000_000;
        await WaitForLayer(consumer, 2, "the top layer again once the link is restored", seconds: 40, scenario, link);
        Assert.True(link.Dropped > 0, "the bottleneck dropped packets");
    }

    [Fact]
    public async Task A_consumer_is_paused_when_nothing_fits_and_resumed_when_bandwidth_returns()
    {
        // The receiver's REMB is the estimate without transport-cc: the allocation follows it exactly.
        await using var scenario = await BandwidthScenario.StartAsync();
        var consumer = await ConsumeSimulcastWithRembAsync(scenario);
        var changes = new ConcurrentQueue<ConsumerLayers?>();
        consumer.LayersChanged += (_, layers) => changes.Enqueue(layers);
        using var sending = SendSimulcast(scenario);
        var ssrc = consumer.RtpParameters.Encodings[0].Ssrc!.Value;

        void Remb(ulong bitrate) => scenario.SendRemb(ssrc, bitrate);

        Remb(3_000_000);
        await WaitForLayer(consumer, 2, "the top layer at 3 Mbit/s", scenario: scenario);
        Remb(200_000);
        await WaitForLayer(consumer, 0, "the lowest layer at 200 kbit/s", scenario: scenario);

        // 50 kbit/s: not even the lowest layer (about 110 kbit/s) fits; the consumer stops and says so.
        Remb(50_000);
        await WaitForLayer(consumer, null, "the consumer paused at 50 kbit/s", scenario: scenario);
        await BandwidthScenario.WaitForAsync(() => Task.FromResult(!changes.IsEmpty && changes.Last() is null), "LayersChanged(null)");
        await BandwidthScenario.WaitForAsync(
            async () => await scenario.Worker.InvokeAsync(() => consumer.SendStreams[0].GetBitrate(scenario.Worker.Timers.Now)) == 0,
            "no media forwarded while paused");

        Remb(3_000_000);
        await WaitForLayer(consumer, 2, "the top layer again at 3 Mbit/s", scenario: scenario);
    }

    [Fact]
    public async Task A_falling_estimate_is_shared_out_at_once_not_at_the_next_allocation_run()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var consumer = await ConsumeSimulcastWithRembAsync(scenario);
        using var sending = SendSimulcast(scenario);
        var ssrc = consumer.RtpParameters.Encodings[0].Ssrc!.Value;
        scenario.SendRemb(ssrc, 3_000_000);
        await WaitForLayer(consumer, 2, "the top layer at 3 Mbit/s", scenario: scenario);
        await BandwidthScenario.WaitForAsync(
            async () => await scenario.Worker.InvokeAsync(() => consumer.SendStreams[0].GetBitrate(scenario.Worker.Timers.Now)) > 400_000,
            "the top layer's rate measured (about 800 kbit/s)");

        // The REMB handled and the allocation read in one turn of the worker: no allocation timer can run between. At
        // 50 kbit/s nothing fits (the layer just raised to would be kept at its upgrade cost for a moment, see
        // BitrateAllocator.CostKept, so a smaller fall could keep it on its own merits).
        var (fallen, risen) = await scenario.Worker.InvokeAsync(() =>
        {
            scenario.Transport.HandleRtcp(BandwidthScenario.Remb(ssrc, 50_000));
            var afterFall = scenario.Transport.Allocation.AllocatedLayer(consumer);
            scenario.Transport.HandleRtcp(BandwidthScenario.Remb(ssrc, 3_000_000));
            return (afterFall, scenario.Transport.Allocation.AllocatedLayer(consumer));
        });

        Assert.Equal(VideoLayer.None, fallen);
        Assert.Equal(VideoLayer.None, risen); // a rise waits for the run (and the resume's hold)
        await WaitForLayer(consumer, 2, "the top layer again at 3 Mbit/s", scenario: scenario);
    }

    [Fact]
    public async Task With_temporal_layers_a_tight_estimate_keeps_the_middle_layer_at_temporal_layer_0()
    {
        // REMB as the estimate (exact). Each encoding L1T3 (TID 0, 2, 1, 2): layer 1 costs about 77 kbit/s at temporal
        // layer 0, 154 whole; layer 0 whole about 104.
        await using var scenario = await BandwidthScenario.StartAsync();
        var consumer = await ConsumeSimulcastWithRembAsync(scenario);
        using var sending = SendSimulcast(scenario, temporalLayers: true);
        var ssrc = consumer.RtpParameters.Encodings[0].Ssrc!.Value;

        void Remb(ulong bitrate) => scenario.SendRemb(ssrc, bitrate);

        Remb(3_000_000);
        await BandwidthScenario.WaitForAsync(() => Task.FromResult(consumer.CurrentLayers == new ConsumerLayers(2, 2)), "the top layer at 3 Mbit/s");

        // 140 kbit/s: layer 0 whole would fit, but layer 1 at temporal layer 0 is the higher step and fits too.
        Remb(140_000);
        await BandwidthScenario.WaitForAsync(
            () => Task.FromResult(consumer.CurrentLayers == new ConsumerLayers(1, 0)), "layer 1 at temporal layer 0 at 140 kbit/s");
        var sent = await scenario.Worker.InvokeAsync(() => consumer.SendStreams[0].GetBitrate(scenario.Worker.Timers.Now));
        output.WriteLine($"forwarding {sent} bit/s at 140 kbit/s");

        Remb(3_000_000);
        try
        {
            await BandwidthScenario.WaitForAsync(() => Task.FromResult(consumer.CurrentLayers == new ConsumerLayers(2, 2)), "the top layer again");
        }
        catch (Xunit.Sdk.XunitException)
        {
            var stats = await scenario.Transport.GetStatsAsync();
            Assert.Fail($"the top layer again: estimate {stats.AvailableOutgoingBitrate}, layers {consumer.CurrentLayers}");
        }
    }

    [Fact]
    public async Task A_screen_share_is_served_before_a_tile_when_the_link_is_short()
    {
        await using var scenario = await BandwidthScenario.StartAsync();
        var (_, tile) = await scenario.ProduceAndConsumeAsync(MediaKind.Video, SimulcastTests.SimulcastParameters());
        var (_, screen) = await scenario.ProduceAndConsumeAsync(MediaKind.Video, SimulcastParameters(SecondSsrc));
        await screen.SetPriorityAsync(Parley.Media.Allocation.ConsumerPriority.ScreenShare);
        Assert.Equal(Parley.Media.Allocation.ConsumerPriority.ScreenShare, screen.Priority);
        await using var link = new SimulatedDownlink(scenario.Peer, 650_000);
        using var tileSending = SendSimulcast(scenario, FirstSsrc);
        using var screenSending = SendSimulcast(scenario, SecondSsrc);

        // Room for one middle layer and one lowest: the screen share, added second, gets the middle one.
        await BandwidthScenario.WaitForAsync(
            () => Task.FromResult(screen.CurrentLayers?.SpatialLayer >= 1 && tile.CurrentLayers?.SpatialLayer == 0),
            "the screen share above the tile");
    }

    /// <summary>A resumed consumer of a new simulcast producer whose receiver has no transport-cc: its REMB is the estimate, exactly.</summary>
    private static async Task<Consumer> ConsumeSimulcastWithRembAsync(BandwidthScenario scenario) =>
        (await scenario.ProduceAndConsumeWithoutTransportCcAsync(MediaKind.Video, SimulcastTests.SimulcastParameters())).Consumer;

    private async Task WaitForLayer(
        Consumer consumer, int? spatial, string what, int seconds = 30, BandwidthScenario? scenario = null, SimulatedDownlink? link = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await BandwidthScenario.WaitForAsync(() => Task.FromResult(consumer.CurrentLayers?.SpatialLayer == spatial), what, seconds);
        }
        catch (Xunit.Sdk.XunitException) when (scenario is not null)
        {
            var stats = await scenario.Transport.GetStatsAsync();
            var estimator = scenario.Transport.Bandwidth.Estimator;
            var detail = await scenario.Worker.InvokeAsync(() =>
                $"estimate {estimator.TargetBitrate}, delay-based {estimator.DelayBasedBitrate}, loss-based {estimator.LossBasedBitrate}, loss {estimator.LossFraction:P0}, acknowledged {estimator.AcknowledgedBitrate}, sent {estimator.SentBitrate}, rtx {stats.RtxSendBitrate}, layers {consumer.CurrentLayers}, "
                + $"last probe result {estimator.LastProbeBitrate}, probe packets {scenario.Transport.Pacing.ProbePackets}, probation bytes {stats.ProbationBytesSent}"
                + (link is null ? "" : $", link delivered {link.Delivered}, dropped {link.Dropped}, feedback packets {link.FeedbackSent}"));
            Assert.Fail($"{what}: {detail}");
        }

        output.WriteLine($"{what}: {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>Each layer's frames every 40 ms, a keyframe on each once a second, in VP8 with picture IDs.</summary>
    private static RtpParameters SimulcastParameters(uint firstSsrc)
    {
        var parameters = SimulcastTests.SimulcastParameters();
        for (var i = 0; i < parameters.Encodings.Count; i++)
        {
            parameters.Encodings[i].Ssrc = firstSsrc + (uint)i;
            parameters.Encodings[i].Rtx = new RtxParameters { Ssrc = firstSsrc + (uint)i + 0x100 };
        }

        return parameters;
    }

    private static CancellationTokenSource SendSimulcast(BandwidthScenario scenario, uint firstSsrc = FirstSsrc, bool temporalLayers = false)
    {
        var pt = (byte)SimulcastTests.SimulcastParameters().Codecs[0].PayloadType;
        var sequence = new ushort[3];
        var tl0 = new byte[3];
        int[] pattern = [0, 2, 1, 2];
        return scenario.SendFrames(
            (frame, i, key) =>
            {
                var layer = i switch { < 4 => 2, < 6 => 1, _ => 0 };
                var index = layer switch { 2 => i, 1 => i - 4, _ => 0 };
                var first = index == 0;
                var pictureId = (ushort)(0x8000 | (frame & 0x7FFF));
                var tid = key ? 0 : pattern[frame % 4];
                if (first && tid == 0)
                {
                    tl0[layer]++;
                }

                byte[] descriptor = temporalLayers
                    ? [(byte)(first ? 0x90 : 0x80), 0xE0, (byte)(pictureId >> 8), (byte)pictureId, tl0[layer], (byte)((tid << 6) | (key ? 0x20 : 0))]
                    : [(byte)(first ? 0x90 : 0x80), 0xC0, (byte)(pictureId >> 8), (byte)pictureId, (byte)frame];
                var body = new byte[PacketSize[layer]];
                if (first)
                {
                    body[0] = (byte)(key ? 0x00 : 0x01);
                    body[3] = 0x9d;
                    body[4] = 0x01;
                    body[5] = 0x2a;
                }

                return TestRtp.Build(pt, sequence[layer]++, (uint)frame * 3600, firstSsrc + (uint)layer, [.. descriptor, .. body]);
            },
            packetsPerFrame: PacketsPerFrame.Sum());
    }
}
