using System.Buffers.Binary;
using System.Collections.Concurrent;
using Parley.Media.Ortc;
using Parley.Media.Rtcp;
using Parley.Media.Routing;
using Parley.Media.Rtp;
using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// A VP8 producer with three simulcast encodings signaled by SSRC (160x120, 320x240, 640x480 in Chromium, each L1T3)
/// and one simulcast consumer, over real UDP.
/// </summary>
public sealed partial class SimulcastTests
{
    private const uint FirstSsrc = 0x5100_0000;

    /// <summary>
    /// Sends numbered one-packet VP8 frames on each encoding, each with its own sequence numbers, timestamps, picture
    /// IDs and TL0PICIDX (every frame a base-layer frame), and a frame body naming layer and frame.
    /// </summary>
    private sealed class SimulcastSender(RoutingScenario scenario)
    {
        private readonly ushort[] _sequence = [100, 30_000, 65_500];
        private readonly uint[] _timestamp = [1_000, 2_000_000_000, 4_000_000_000];
        private readonly ushort[] _pictureId = [10, 20_000, 32_760];
        private readonly byte[] _tl0 = [0, 100, 250];
        private byte _frame;

        public static uint Ssrc(int layer) => FirstSsrc + (uint)layer;

        /// <summary>Sends one packet of <paramref name="layer"/>, waits until the producer transport counted it, returns the frame body.</summary>
        public async Task<byte[]> SendAsync(int layer, bool keyFrame = false)
        {
            var (packet, body) = Build(layer, keyFrame);
            await scenario.SendAndWaitAsync(packet);
            return body;
        }

        /// <summary>Builds the next packet of <paramref name="layer"/> as <see cref="SendAsync"/> would send it, to send later (or never).</summary>
        public (byte[] Packet, byte[] Body) Build(int layer, bool keyFrame = false)
        {
            byte[] body = [(byte)(keyFrame ? 0x00 : 0x01), 0x00, 0x00, 0x9d, 0x01, 0x2a, (byte)layer, _frame++];
            var pictureId = (ushort)(0x8000 | (_pictureId[layer]++ & 0x7FFF));
            byte[] descriptor = [0x90, 0xC0, (byte)(pictureId >> 8), (byte)pictureId, _tl0[layer]++];
            var packet = TestRtp.Build(scenario.ProducerPayloadType, _sequence[layer]++, _timestamp[layer], Ssrc(layer), [.. descriptor, .. body]);
            _timestamp[layer] += 3000;
            return (packet, body);
        }

        /// <summary>
        /// Sends one packet of a picture of <paramref name="layer"/> in temporal layer <paramref name="temporalLayer"/>
        /// (the T bit set; Y when <paramref name="layerSync"/>); the last packet of a picture moves on to the next one,
        /// and a base-layer picture counts TL0PICIDX up. Returns the body.
        /// </summary>
        public async Task<byte[]> SendPicturePacketAsync(int layer, int temporalLayer, bool first, bool last, bool layerSync = false)
        {
            var (packet, body) = BuildPicturePacket(layer, temporalLayer, first, last, layerSync);
            await scenario.SendAndWaitAsync(packet);
            return body;
        }

        /// <summary>Builds the packet <see cref="SendPicturePacketAsync"/> sends, to send later (reordered).</summary>
        public (byte[] Packet, byte[] Body) BuildPicturePacket(int layer, int temporalLayer, bool first, bool last, bool layerSync = false)
        {
            byte[] body = [(byte)(first ? 0x01 : 0xFF), 0x00, 0x00, (byte)temporalLayer, (byte)(layerSync ? 1 : 0), 0x2a, (byte)layer, _frame++];
            var pictureId = (ushort)(0x8000 | (_pictureId[layer] & 0x7FFF));
            var tl0 = temporalLayer == 0 ? _tl0[layer] : (byte)(_tl0[layer] - 1);
            byte[] descriptor = [(byte)(first ? 0x90 : 0x80), 0xE0, (byte)(pictureId >> 8), (byte)pictureId, tl0, (byte)((temporalLayer << 6) | (layerSync ? 0x20 : 0))];
            var packet = TestRtp.Build(scenario.ProducerPayloadType, _sequence[layer]++, _timestamp[layer], Ssrc(layer), [.. descriptor, .. body]);
            if (last)
            {
                _timestamp[layer] += 3000;
                _pictureId[layer]++;
                if (temporalLayer == 0)
                {
                    _tl0[layer]++;
                }
            }

            return (packet, body);
        }

        /// <summary>Sends a whole picture of <paramref name="packets"/> packets; returns their bodies.</summary>
        public async Task<List<byte[]>> SendPictureAsync(int layer, int temporalLayer, bool layerSync = false, int packets = 2)
        {
            var bodies = new List<byte[]>();
            for (var i = 0; i < packets; i++)
            {
                bodies.Add(await SendPicturePacketAsync(layer, temporalLayer, first: i == 0, last: i == packets - 1, layerSync));
            }

            return bodies;
        }

        /// <summary>The frame body of a packet: what follows the descriptor (5 bytes, 6 with the T bit).</summary>
        public static byte[] Body(byte[] packet)
        {
            var payload = TestRtp.Payload(packet);
            return payload[((payload[1] & 0x20) != 0 ? 6 : 5)..];
        }

        /// <summary>The temporal layer of a received packet (0 without the T bit).</summary>
        public static int TemporalLayer(byte[] packet)
        {
            var payload = TestRtp.Payload(packet);
            return (payload[1] & 0x20) != 0 ? payload[5] >> 6 : 0;
        }

        public uint NextTimestamp(int layer) => _timestamp[layer];

        /// <summary>Sends a sender report of <paramref name="layer"/> mapping <paramref name="ntp"/> to <paramref name="rtpTimestamp"/>.</summary>
        public async Task SendSenderReportAsync(int layer, ulong ntp, uint rtpTimestamp)
        {
            var buffer = new byte[64];
            Assert.True(RtcpSenderReport.TryWrite(buffer, Ssrc(layer), ntp, rtpTimestamp, 1, 100, [], out var written));
            await scenario.SendAndWaitAsync(buffer[..written]);
        }

        /// <summary>The picture ID and TL0PICIDX a received packet carries.</summary>
        public static (int PictureId, byte Tl0) Ids(byte[] packet)
        {
            var payload = TestRtp.Payload(packet);
            return (BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(2)) & 0x7FFF, payload[4]);
        }
    }

    internal static RtpParameters SimulcastParameters()
    {
        var parameters = OrtcTestData.Producer(OrtcTestData.Vp8SimulcastFile);
        for (var i = 0; i < parameters.Encodings.Count; i++)
        {
            parameters.Encodings[i].Rid = null;
            parameters.Encodings[i].Ssrc = SimulcastSender.Ssrc(i);
            parameters.Encodings[i].Rtx = new RtxParameters { Ssrc = SimulcastSender.Ssrc(i) + 0x100 };
        }

        return parameters;
    }

    private static bool IsPliFor(byte[] datagram, uint mediaSsrc) =>
        !UdpPeer.IsRtp(datagram) && datagram.Length >= 12 && datagram[1] == 206 && (datagram[0] & 0x1F) == 1
        && BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(8)) == mediaSsrc;

    private static Task<byte[]> ReceivePliAsync(RoutingScenario scenario, int layer) =>
        scenario.Sender.ReceiveAsync(d => IsPliFor(d, SimulcastSender.Ssrc(layer)));

    private static async Task<List<byte[]>> ReceiveRtpAsync(UdpPeer peer, int count)
    {
        var packets = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            packets.Add(await peer.ReceiveRtpAsync());
        }

        Assert.DoesNotContain(peer.Drain(), UdpPeer.IsRtp);
        return packets;
    }

    private static void AssertContinuous(IReadOnlyList<byte[]> packets)
    {
        for (var i = 1; i < packets.Count; i++)
        {
            var (_, previousSequence, previousTimestamp, previousSsrc) = TestRtp.Header(packets[i - 1]);
            var (_, sequence, timestamp, ssrc) = TestRtp.Header(packets[i]);
            Assert.Equal(previousSsrc, ssrc);
            Assert.Equal((ushort)(previousSequence + 1), sequence);
            Assert.True(timestamp - previousTimestamp is > 0 and < 0x8000_0000, $"timestamp {timestamp} must follow {previousTimestamp}");
            var (previousPictureId, previousTl0) = SimulcastSender.Ids(packets[i - 1]);
            var (pictureId, tl0) = SimulcastSender.Ids(packets[i]);
            Assert.Equal((previousPictureId + 1) & 0x7FFF, pictureId);
            Assert.Equal((byte)(previousTl0 + 1), tl0);
        }
    }

    /// <summary>
    /// A consumer forwarding the top layer: all three encodings sending (the top one first, so that it is the first
    /// target), a PLI for the top one, and its keyframe forwarded. Streams count as stopped after
    /// <paramref name="streamInactivityMs"/> (long unless the test is about stopped streams).
    /// </summary>
    private static async Task<(RoutingScenario Scenario, SimulcastSender Sender, Consumer Consumer, UdpPeer Peer, ConcurrentQueue<ConsumerLayers?> Changes, List<byte[]> Sent)>
        StartAtTopLayerAsync(int streamInactivityMs = 60_000)
    {
        var scenario = await RoutingScenario.StartAsync(SimulcastParameters(), streamInactivityMs: streamInactivityMs);
        var sender = new SimulcastSender(scenario);
        var (_, consumer, peer) = await scenario.AddConsumerAsync();
        var changes = new ConcurrentQueue<ConsumerLayers?>();
        consumer.LayersChanged += (_, layers) => changes.Enqueue(layers);
        Assert.Equal(RtpParametersType.Simulcast, consumer.Type);
        Assert.Equal(new ConsumerLayers(2, 2), consumer.PreferredLayers);
        Assert.Null(consumer.CurrentLayers);

        await sender.SendAsync(2);
        await sender.SendAsync(1);
        await sender.SendAsync(0);
        await ReceivePliAsync(scenario, 2);
        await sender.SendAsync(0, keyFrame: true); // not the target: no switch
        var sent = new List<byte[]> { await sender.SendAsync(2, keyFrame: true) };
        await sender.SendAsync(1);
        sent.Add(await sender.SendAsync(2));
        return (scenario, sender, consumer, peer, changes, sent);
    }

    [Fact]
    public async Task A_simulcast_consumer_forwards_the_highest_sending_layer_from_its_keyframe_on()
    {
        var (scenario, _, consumer, peer, changes, sent) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;

        var received = await ReceiveRtpAsync(peer, 2);
        Assert.Equal(sent, received.Select(SimulcastSender.Body));
        Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, TestRtp.Header(received[0]).Ssrc);
        AssertContinuous(received);
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 1), "one LayersChanged");
        Assert.Equal([new ConsumerLayers(2, 2)], changes);
        Assert.Equal(new ConsumerLayers(2, 2), consumer.CurrentLayers);

        var stats = await consumer.GetStatsAsync();
        Assert.Equal(SimulcastSender.Ssrc(2), stats[1].Ssrc);

        // The receiver's own keyframe request goes to the stream it is watching.
        var pli = new byte[12];
        Assert.True(new RtcpPictureLossIndication(1, consumer.RtpParameters.Encodings[0].Ssrc!.Value).TryWrite(pli, out _));
        peer.SendTo(scenario.Consumers[0].Transport.Tuple.LocalPort, pli);
        await ReceivePliAsync(scenario, 2);
    }

    [Fact]
    public async Task Preferring_layer_0_switches_at_its_next_keyframe_without_a_sequence_gap()
    {
        var (scenario, sender, consumer, peer, changes, sent) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;

        await consumer.SetPreferredLayersAsync(0);
        Assert.Equal(new ConsumerLayers(0, 2), consumer.PreferredLayers);
        await ReceivePliAsync(scenario, 0);
        sent.Add(await sender.SendAsync(2)); // still the current layer until layer 0's keyframe
        await sender.SendAsync(0);

        // Sender reports: layer 0's keyframe is captured 1500 ticks after layer 2's last frame.
        const ulong ntp = 0xE000_0000_8000_0000;
        await sender.SendSenderReportAsync(2, ntp, sender.NextTimestamp(2) - 3000);
        await sender.SendSenderReportAsync(0, ntp, sender.NextTimestamp(0) - 1500);
        sent.Add(await sender.SendAsync(0, keyFrame: true));
        await sender.SendAsync(2);
        sent.Add(await sender.SendAsync(0));
        sent.Add(await sender.SendAsync(0));

        var received = await ReceiveRtpAsync(peer, sent.Count);
        Assert.Equal(sent, received.Select(SimulcastSender.Body));
        AssertContinuous(received);
        Assert.Equal(TestRtp.Header(received[2]).Timestamp + 1500, TestRtp.Header(received[3]).Timestamp);
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 2), "two LayersChanged");
        Assert.Equal([new ConsumerLayers(2, 2), new ConsumerLayers(0, 2)], changes);
        Assert.Equal(new ConsumerLayers(0, 2), consumer.CurrentLayers);
        Assert.Equal(SimulcastSender.Ssrc(0), (await consumer.GetStatsAsync())[1].Ssrc);

        // A NACK maps back to the stream of its period: one of layer 0 is resent, one sent from layer 2 is not.
        var (transport, _, _) = scenario.Consumers[0];
        var fromLayer2 = TestRtp.Header(received[0]).Sequence;
        var fromLayer0 = TestRtp.Header(received[^1]).Sequence;
        var nack = new byte[64];
        Assert.True(RtcpGenericNack.TryWrite(nack, 1, consumer.RtpParameters.Encodings[0].Ssrc!.Value, [fromLayer2, fromLayer0], out var nackLength));
        peer.SendTo(transport.Tuple.LocalPort, nack.AsSpan(0, nackLength));
        var rtxSsrc = consumer.RtpParameters.Encodings[0].Rtx!.Ssrc;
        var rtx = await peer.ReceiveAsync(d => UdpPeer.IsRtp(d) && TestRtp.Header(d).Ssrc == rtxSsrc);
        Assert.True(RtpPacket.TryParse(rtx, out var rtxPacket));
        var restored = new byte[1500];
        Assert.True(RtxPacket.TryUnwrap(rtxPacket, restored, 1, 0, out var restoredLength));
        Assert.Equal(fromLayer0, TestRtp.Header(restored[..restoredLength]).Sequence);
        Assert.Equal(TestRtp.Payload(received[^1]), TestRtp.Payload(restored[..restoredLength]));
        await Eventually.TrueAsync(async () => (await consumer.GetStatsAsync())[0].NackPacketCount == 2, "the NACK to be handled");
        Assert.Equal(1, (await consumer.GetStatsAsync())[0].PacketsRetransmitted);
    }

    [Fact]
    public async Task When_the_top_layer_stops_the_consumer_falls_back_and_goes_up_again_when_it_returns()
    {
        // Layers 0 and 1 send every 50 ms below: only a stall of the test machine as long as this would stop them too.
        var (scenario, sender, consumer, peer, changes, _) = await StartAtTopLayerAsync(streamInactivityMs: 2000);
        await using var cleanup = scenario;
        await ReceiveRtpAsync(peer, 2);

        // Layers 0 and 1 keep sending; layer 2 is silent until the consumer asks layer 1 for a keyframe.
        var fallbackPli = ReceivePliAsync(scenario, 1);
        while (!fallbackPli.IsCompleted)
        {
            await sender.SendAsync(0);
            await sender.SendAsync(1);
            await Task.WhenAny(fallbackPli, Task.Delay(50));
        }

        await fallbackPli;
        var fallback = await sender.SendAsync(1, keyFrame: true);
        Assert.Equal(fallback, SimulcastSender.Body(await peer.ReceiveRtpAsync()));
        await Eventually.TrueAsync(() => Task.FromResult(consumer.CurrentLayers == new ConsumerLayers(1, 2)), "the switch to layer 1");

        var upPli = ReceivePliAsync(scenario, 2);
        await sender.SendAsync(2);
        await upPli;
        var back = await sender.SendAsync(2, keyFrame: true);
        Assert.Equal(back, SimulcastSender.Body(await peer.ReceiveRtpAsync()));
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 3), "three LayersChanged");
        Assert.Equal([new ConsumerLayers(2, 2), new ConsumerLayers(1, 2), new ConsumerLayers(2, 2)], changes);
    }

    [Fact]
    public async Task When_every_layer_stops_nothing_is_forwarded_until_one_returns_with_a_keyframe()
    {
        var (scenario, sender, consumer, peer, changes, _) = await StartAtTopLayerAsync(streamInactivityMs: 1000);
        await using var cleanup = scenario;
        var before = await ReceiveRtpAsync(peer, 2);

        await Eventually.TrueAsync(() => Task.FromResult(consumer.CurrentLayers is null), "the consumer to see every layer stopped");
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 2), "two LayersChanged");
        Assert.Equal([new ConsumerLayers(2, 2), null], changes);

        // Layer 1 returns: a delta frame is not enough, its keyframe (asked for) is.
        var pli = ReceivePliAsync(scenario, 1);
        await sender.SendAsync(1);
        await pli;
        var keyFrame = await sender.SendAsync(1, keyFrame: true);
        var after = await peer.ReceiveRtpAsync();
        Assert.Equal(keyFrame, SimulcastSender.Body(after));
        AssertContinuous([before[^1], after]);
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 3), "three LayersChanged");
        Assert.Equal(new ConsumerLayers(1, 2), changes.Last());
    }

    [Fact]
    public async Task An_allocation_of_the_lowest_layer_keeps_the_consumer_there()
    {
        var (scenario, _, consumer, _, _, _) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;

        await scenario.Worker.InvokeAsync(() => ((SimulcastConsumer)consumer).SetAllocatedLayer(new Parley.Media.Allocation.VideoLayer(0, 2)));
        await ReceivePliAsync(scenario, 0);
    }

    [Fact]
    public async Task Forwarding_simulcast_with_picture_id_rewriting_allocates_nothing()
    {
        await using var scenario = await RoutingScenario.StartAsync(SimulcastParameters());
        for (var i = 0; i < 2; i++)
        {
            await scenario.AddConsumerAsync();
        }

        byte[] Packet(int layer, int index, bool keyFrame) => TestRtp.Build(
            scenario.ProducerPayloadType, (ushort)(index + (layer * 1000)), (uint)(index * 3000), SimulcastSender.Ssrc(layer),
            [0x90, 0xC0, (byte)(0x80 | (index >> 8)), (byte)index, (byte)index, (byte)(keyFrame ? 0x00 : 0x01), 0x9d, 0x01, 0x2a, .. new byte[1000]]);
        // The top layer's packet first each time, so that it is the one chosen (the timer that re-evaluates does not run
        // inside this one worker call).
        var packets = Enumerable.Range(0, 300).SelectMany(i => new[] { 2, 1, 0 }.Select(layer => Packet(layer, i, keyFrame: i == 0))).ToArray();

        // The warm-up covers the layer choice and the switch to the top layer at its keyframe, whose event allocates.
        var (allocated, sent) = await scenario.FeedAndMeasureAllocationsAsync(packets, warmUp: 150);

        Assert.Equal(2 * 250, sent); // the top layer only
        Assert.Equal(0, allocated);
        Assert.All(scenario.Consumers, c => Assert.Equal(new ConsumerLayers(2, 2), c.Consumer.CurrentLayers));
    }

    [Fact]
    public async Task Layers_outside_the_producer_are_rejected_and_a_simple_consumer_has_none()
    {
        await using (var scenario = await RoutingScenario.StartAsync(SimulcastParameters()))
        {
            var (_, consumer, _) = await scenario.AddConsumerAsync();
            var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => consumer.SetPreferredLayersAsync(-1));
            Assert.Equal("spatialLayer", negative.ParamName);
            var beyond = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => consumer.SetPreferredLayersAsync(3));
            Assert.Contains("3 spatial layers", beyond.Message, StringComparison.Ordinal);
            var temporal = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => consumer.SetPreferredLayersAsync(0, 3));
            Assert.Equal("temporalLayer", temporal.ParamName);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => consumer.SetPreferredLayersAsync(0, -1));
            Assert.Equal(new ConsumerLayers(2, 2), consumer.PreferredLayers);

            await consumer.SetPreferredLayersAsync(1, 0);
            Assert.Equal(new ConsumerLayers(1, 0), consumer.PreferredLayers);
        }

        await using (var scenario = await RoutingScenario.StartAsync(OrtcTestData.H264File))
        {
            var (_, consumer, _) = await scenario.AddConsumerAsync();
            Assert.Equal(RtpParametersType.Simple, consumer.Type);
            await consumer.SetPreferredLayersAsync(1);
            Assert.Null(consumer.PreferredLayers);
            Assert.Null(consumer.CurrentLayers);
        }
    }
}
