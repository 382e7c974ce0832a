using Parley.Media.Ortc;
using Parley.Media.Rtcp;
using Parley.Media.Routing;
using Parley.Media.Rtp;
using Parley.Media.Tests.Ortc;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// VP8 temporal layers (each encoding L1T3, Chromium's pattern 0, 2, 1, 2): a consumer forwards the layers up to its
/// preferred one, switching only between pictures, with no hole in sequence numbers or picture IDs.
/// </summary>
public sealed partial class SimulcastTests
{
    private static readonly int[] L1T3 = [0, 2, 1, 2];

    /// <summary>
    /// Sequence numbers count up by one; within a picture (one timestamp) the picture ID and TL0PICIDX stay, from one
    /// picture to the next the picture ID counts up by one and TL0PICIDX by one when the new picture is a base-layer one.
    /// </summary>
    private static void AssertContinuousOverPictures(IReadOnlyList<byte[]> packets)
    {
        for (var i = 1; i < packets.Count; i++)
        {
            var (_, previousSequence, previousTimestamp, _) = TestRtp.Header(packets[i - 1]);
            var (_, sequence, timestamp, _) = TestRtp.Header(packets[i]);
            Assert.Equal((ushort)(previousSequence + 1), sequence);
            var (previousPictureId, previousTl0) = SimulcastSender.Ids(packets[i - 1]);
            var (pictureId, tl0) = SimulcastSender.Ids(packets[i]);
            if (timestamp == previousTimestamp)
            {
                Assert.Equal((previousPictureId, previousTl0), (pictureId, tl0));
                continue;
            }

            Assert.True(timestamp - previousTimestamp is > 0 and < 0x8000_0000, $"timestamp {timestamp} must follow {previousTimestamp}");
            Assert.Equal((previousPictureId + 1) & 0x7FFF, pictureId);
            Assert.Equal((byte)(previousTl0 + (SimulcastSender.TemporalLayer(packets[i]) == 0 ? 1 : 0)), tl0);
        }
    }

    [Fact]
    public async Task Preferring_temporal_layer_0_forwards_only_base_layer_pictures_without_gaps_and_answers_nacks()
    {
        var (scenario, sender, consumer, peer, changes, _) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;
        var before = await ReceiveRtpAsync(peer, 2);

        await consumer.SetPreferredLayersAsync(2, 0);
        Assert.Equal(new ConsumerLayers(2, 0), consumer.PreferredLayers);
        var expected = new List<byte[]>();
        for (var i = 0; i < 12; i++)
        {
            var bodies = await sender.SendPictureAsync(2, L1T3[i % 4]);
            if (L1T3[i % 4] == 0)
            {
                expected.AddRange(bodies);
            }
        }

        var received = await ReceiveRtpAsync(peer, expected.Count);
        Assert.Equal(expected, received.Select(SimulcastSender.Body));
        Assert.All(received, p => Assert.Equal(0, SimulcastSender.TemporalLayer(p)));
        AssertContinuousOverPictures([before[^1], .. received]);
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 2), "two LayersChanged");
        Assert.Equal([new ConsumerLayers(2, 2), new ConsumerLayers(2, 0)], changes);
        Assert.Equal(new ConsumerLayers(2, 0), consumer.CurrentLayers);

        // A NACK for a forwarded packet is answered with that packet as sent (rewritten picture ID included); the
        // numbers right after it belong to forwarded packets too, not to the dropped ones in between.
        var (transport, _, _) = scenario.Consumers[0];
        var rtxSsrc = consumer.RtpParameters.Encodings[0].Rtx!.Ssrc;
        foreach (var wanted in new[] { received[2], received[3] })
        {
            var sequence = TestRtp.Header(wanted).Sequence;
            var nack = new byte[64];
            Assert.True(RtcpGenericNack.TryWrite(nack, 1, consumer.RtpParameters.Encodings[0].Ssrc!.Value, [sequence], out var nackLength));
            peer.SendTo(transport.Tuple.LocalPort, nack.AsSpan(0, nackLength));
            var rtx = await peer.ReceiveAsync(d => UdpPeer.IsRtp(d) && TestRtp.Header(d).Ssrc == rtxSsrc);
            Assert.True(RtpPacket.TryParse(rtx, out var rtxPacket));
            var restored = new byte[1500];
            Assert.True(RtxPacket.TryUnwrap(rtxPacket, restored, 1, 0, out var restoredLength));
            Assert.Equal(sequence, TestRtp.Header(restored[..restoredLength]).Sequence);
            Assert.Equal(TestRtp.Header(wanted).Timestamp, TestRtp.Header(restored[..restoredLength]).Timestamp);
            Assert.Equal(TestRtp.Payload(wanted), TestRtp.Payload(restored[..restoredLength]));
        }
    }

    [Fact]
    public async Task Raising_waits_for_a_base_layer_or_layer_sync_picture_and_lowering_applies_at_the_next_picture()
    {
        var (scenario, sender, consumer, peer, changes, _) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;
        var before = await ReceiveRtpAsync(peer, 2);
        var expected = new List<byte[]>();

        await consumer.SetPreferredLayersAsync(2, 0);
        expected.AddRange(await sender.SendPictureAsync(2, 0));
        await sender.SendPictureAsync(2, 2);
        await sender.SendPictureAsync(2, 1);

        // Up to 2: pictures of layers 1 and 2 without Y may reference pictures the receiver never got.
        await consumer.SetPreferredLayersAsync(2, 2);
        await sender.SendPictureAsync(2, 2);
        expected.AddRange(await sender.SendPictureAsync(2, 0)); // a base-layer picture: from here on, every layer
        expected.AddRange(await sender.SendPictureAsync(2, 2));
        expected.AddRange(await sender.SendPictureAsync(2, 1));

        // Down to 0 and up again at a layer sync picture of layer 2.
        await consumer.SetPreferredLayersAsync(2, 0);
        await sender.SendPictureAsync(2, 2);
        expected.AddRange(await sender.SendPictureAsync(2, 0));
        await consumer.SetPreferredLayersAsync(2, 2);
        await sender.SendPictureAsync(2, 2);
        await sender.SendPictureAsync(2, 1);
        expected.AddRange(await sender.SendPictureAsync(2, 2, layerSync: true));
        expected.AddRange(await sender.SendPictureAsync(2, 0));
        expected.AddRange(await sender.SendPictureAsync(2, 2));

        // Down to 1 in the middle of a layer-2 picture: the picture is finished, the next layer-2 one is not sent.
        expected.Add(await sender.SendPicturePacketAsync(2, 1, first: true, last: false));
        expected.Add(await sender.SendPicturePacketAsync(2, 1, first: false, last: true));
        expected.Add(await sender.SendPicturePacketAsync(2, 2, first: true, last: false));
        await consumer.SetPreferredLayersAsync(2, 1);
        expected.Add(await sender.SendPicturePacketAsync(2, 2, first: false, last: true));
        expected.AddRange(await sender.SendPictureAsync(2, 0));
        await sender.SendPictureAsync(2, 2);
        expected.AddRange(await sender.SendPictureAsync(2, 1));

        var received = await ReceiveRtpAsync(peer, expected.Count);
        Assert.Equal(expected, received.Select(SimulcastSender.Body));
        AssertContinuousOverPictures([before[^1], .. received]);
        ConsumerLayers?[] reported =
        [
            new ConsumerLayers(2, 2), new ConsumerLayers(2, 0), new ConsumerLayers(2, 2), new ConsumerLayers(2, 0),
            new ConsumerLayers(2, 2), new ConsumerLayers(2, 1),
        ];
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == reported.Length), "six LayersChanged");
        Assert.Equal(reported, changes);
        Assert.Equal(new ConsumerLayers(2, 1), consumer.CurrentLayers);
    }

    [Fact]
    public async Task Reordered_packets_around_dropped_pictures_keep_every_number_and_a_late_drop_is_filled_with_padding()
    {
        var (scenario, sender, consumer, peer, _, _) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;
        var before = await ReceiveRtpAsync(peer, 2);
        await consumer.SetPreferredLayersAsync(2, 0);

        var base0 = sender.BuildPicturePacket(2, 0, first: true, last: false);
        var base0End = sender.BuildPicturePacket(2, 0, first: false, last: true);
        var dropped = sender.BuildPicturePacket(2, 2, first: true, last: false);
        var droppedEnd = sender.BuildPicturePacket(2, 2, first: false, last: true);
        var base1 = sender.BuildPicturePacket(2, 0, first: true, last: false);
        var base1End = sender.BuildPicturePacket(2, 0, first: false, last: true);
        var unseen = sender.BuildPicturePacket(2, 2, first: true, last: true);
        var base2 = sender.BuildPicturePacket(2, 0, first: true, last: true);

        // The end of the dropped picture comes after the next picture started: its number is taken, so padding fills
        // it. The layer-2 picture that comes after the next one was never seen: its picture ID is taken, so it goes out.
        foreach (var (packet, _) in new[] { base0, dropped, base0End, base1, droppedEnd, base1End, base2, unseen })
        {
            await scenario.SendAndWaitAsync(packet);
        }

        var received = await ReceiveRtpAsync(peer, 7);
        var first = (ushort)(TestRtp.Header(before[^1]).Sequence + 1);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (ushort)(first + i)), received.Select(p => TestRtp.Header(p).Sequence).Order());
        var filler = received[3];
        Assert.Equal(13, filler.Length);
        Assert.Equal(0xA0, filler[0] & 0xE0); // version 2, padding
        Assert.Equal(1, filler[^1]);
        Assert.Equal((ushort)(first + 2), TestRtp.Header(filler).Sequence);
        Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, TestRtp.Header(filler).Ssrc);
        var media = received.Where(p => p != filler).ToList();
        Assert.Equal(new[] { base0, base0End, base1, base1End, base2, unseen }.Select(p => p.Body), media.Select(SimulcastSender.Body));
        var (lastPictureId, lastTl0) = SimulcastSender.Ids(before[^1]);
        (int, byte)[] ids = [(lastPictureId + 1, (byte)(lastTl0 + 1)), (lastPictureId + 2, (byte)(lastTl0 + 2)), (lastPictureId + 4, (byte)(lastTl0 + 3)), (lastPictureId + 3, (byte)(lastTl0 + 2))];
        Assert.Equal(ids, new[] { media[0], media[2], media[4], media[5] }.Select(SimulcastSender.Ids));
        var fillerTimestamp = TestRtp.Header(filler).Timestamp;
        Assert.True(fillerTimestamp - TestRtp.Header(media[0]).Timestamp is > 0 and < 0x8000_0000, "the filler is timed in the dropped picture");
        Assert.True(TestRtp.Header(media[2]).Timestamp - fillerTimestamp is > 0 and < 0x8000_0000, "the filler is timed in the dropped picture");

        // A NACK for the filler is not answered (it is no packet); one for its neighbour is.
        var (transport, _, _) = scenario.Consumers[0];
        var nack = new byte[64];
        Assert.True(RtcpGenericNack.TryWrite(
            nack, 1, consumer.RtpParameters.Encodings[0].Ssrc!.Value, [TestRtp.Header(filler).Sequence, TestRtp.Header(media[2]).Sequence], out var nackLength));
        peer.SendTo(transport.Tuple.LocalPort, nack.AsSpan(0, nackLength));
        var rtxSsrc = consumer.RtpParameters.Encodings[0].Rtx!.Ssrc;
        var rtx = await peer.ReceiveAsync(d => UdpPeer.IsRtp(d) && TestRtp.Header(d).Ssrc == rtxSsrc);
        Assert.True(RtpPacket.TryParse(rtx, out var rtxPacket));
        var restored = new byte[1500];
        Assert.True(RtxPacket.TryUnwrap(rtxPacket, restored, 1, 0, out var restoredLength));
        Assert.Equal(TestRtp.Payload(media[2]), TestRtp.Payload(restored[..restoredLength]));
        await Eventually.TrueAsync(async () => (await consumer.GetStatsAsync())[0].NackPacketCount == 2, "the NACK to be handled");
        Assert.Equal(1, (await consumer.GetStatsAsync())[0].PacketsRetransmitted);
    }

    [Fact]
    public async Task A_spatial_switch_applies_the_preferred_temporal_layer_from_the_new_keyframe_on()
    {
        var (scenario, sender, consumer, peer, changes, _) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;
        var before = await ReceiveRtpAsync(peer, 2);

        await consumer.SetPreferredLayersAsync(0, 0);
        await ReceivePliAsync(scenario, 0);
        await sender.SendPictureAsync(2, 2); // the temporal preference applies to the layer still forwarded
        var expected = new List<byte[]>(await sender.SendPictureAsync(2, 0));
        expected.Add(await sender.SendAsync(0, keyFrame: true));
        for (var i = 1; i < 8; i++)
        {
            var bodies = await sender.SendPictureAsync(0, L1T3[i % 4]);
            if (L1T3[i % 4] == 0)
            {
                expected.AddRange(bodies);
            }
        }

        var received = await ReceiveRtpAsync(peer, expected.Count);
        Assert.Equal(expected, received.Select(SimulcastSender.Body));
        AssertContinuousOverPictures([before[^1], .. received]);
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 3), "three LayersChanged");
        Assert.Equal([new ConsumerLayers(2, 2), new ConsumerLayers(2, 0), new ConsumerLayers(0, 0)], changes);
    }

    [Fact]
    public async Task Forwarding_simulcast_with_temporal_layers_dropped_allocates_nothing()
    {
        await using var scenario = await RoutingScenario.StartAsync(SimulcastParameters());
        for (var i = 0; i < 2; i++)
        {
            var (_, consumer, _) = await scenario.AddConsumerAsync();
            await consumer.SetPreferredLayersAsync(2, 0);
        }

        // Two packets a picture, L1T3: TL0PICIDX counts base-layer pictures, TID in the T byte.
        byte[] Packet(int layer, int index, int part) => TestRtp.Build(
            scenario.ProducerPayloadType, (ushort)((2 * index) + part + (layer * 1000)), (uint)(index * 3000), SimulcastSender.Ssrc(layer),
            [(byte)(part == 0 ? 0x90 : 0x80), 0xE0, (byte)(0x80 | (index >> 8)), (byte)index, (byte)(index / 4), (byte)(L1T3[index % 4] << 6),
                (byte)(index == 0 && part == 0 ? 0x00 : 0x01), 0x9d, 0x01, 0x2a, .. new byte[1000]]);
        var packets = Enumerable.Range(0, 300)
            .SelectMany(i => new[] { 2, 1, 0 }.SelectMany(layer => new[] { Packet(layer, i, 0), Packet(layer, i, 1) }))
            .ToArray();

        // The warm-up covers the layer choice and the switch to the top layer at its keyframe, whose event allocates.
        const int warmUp = 300;
        var (allocated, sent) = await scenario.FeedAndMeasureAllocationsAsync(packets, warmUp);

        var basePictures = Enumerable.Range(warmUp / 6, 300 - (warmUp / 6)).Count(i => i % 4 == 0);
        Assert.Equal(2 * 2 * basePictures, sent); // two consumers, two packets of each base-layer picture of the top layer
        Assert.Equal(0, allocated);
        Assert.All(scenario.Consumers, c => Assert.Equal(new ConsumerLayers(2, 0), c.Consumer.CurrentLayers));
    }

    [Fact]
    public async Task An_h264_simulcast_consumer_forwards_every_temporal_layer_and_reports_the_top_one()
    {
        var parameters = OrtcTestData.Producer(OrtcTestData.H264File);
        parameters.Encodings.Clear();
        for (var i = 0; i < 3; i++)
        {
            parameters.Encodings.Add(new RtpEncodingParameters
            {
                Ssrc = SimulcastSender.Ssrc(i), Rtx = new RtxParameters { Ssrc = SimulcastSender.Ssrc(i) + 0x100 }, ScalabilityMode = "L1T3",
            });
        }

        await using var scenario = await RoutingScenario.StartAsync(parameters);
        var (_, consumer, peer) = await scenario.AddConsumerAsync();
        Assert.Equal(RtpParametersType.Simulcast, consumer.Type);
        await consumer.SetPreferredLayersAsync(2, 0);

        await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, 1, 0, SimulcastSender.Ssrc(2), TestRtp.H264DeltaFrame(0)));
        await ReceivePliAsync(scenario, 2);
        var sent = new List<byte[]>();
        for (var i = 0; i < 8; i++)
        {
            var payload = i == 0 ? TestRtp.H264KeyFrame((byte)i) : TestRtp.H264DeltaFrame((byte)i);
            sent.Add(payload);
            await scenario.SendAndWaitAsync(TestRtp.Build(scenario.ProducerPayloadType, (ushort)(2 + i), (uint)(3000 * (i + 1)), SimulcastSender.Ssrc(2), payload));
        }

        var received = await ReceiveRtpAsync(peer, sent.Count);
        Assert.Equal(sent, received.Select(TestRtp.Payload));
        await Eventually.TrueAsync(() => Task.FromResult(consumer.CurrentLayers == new ConsumerLayers(2, 2)), "layers (2, 2)");
    }
}
