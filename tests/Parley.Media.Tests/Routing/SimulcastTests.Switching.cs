using Parley.Media.Allocation;
using Parley.Media.Rtcp;
using Parley.Media.Routing;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// A switch of the allocated layer (issue 13's freeze at a step down): what the consumer forwards between the decision
/// and the new layer's keyframe, and how soon it asks for that keyframe.
/// </summary>
public sealed partial class SimulcastTests
{
    [Fact]
    public async Task Allocated_a_lower_layer_it_stops_the_current_one_at_once_and_forwards_the_lower_one_from_its_keyframe()
    {
        var (scenario, sender, consumer, peer, changes, _) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;
        var before = await ReceiveRtpAsync(peer, 2);

        await scenario.Worker.InvokeAsync(() => ((SimulcastConsumer)consumer).SetAllocatedLayer(new VideoLayer(0, 2)));
        await ReceivePliAsync(scenario, 0);

        // Until layer 0's keyframe nothing goes out: the allocation lowers a spatial layer only when not even its base
        // temporal layer fits, and what it still sent kept the narrowed link's queue full in front of that keyframe.
        for (var i = 0; i < 8; i++)
        {
            await sender.SendPictureAsync(2, L1T3[i % 4]);
            await sender.SendPictureAsync(0, L1T3[i % 4]);
        }

        // From layer 0's keyframe on: layer 0 at the allocated temporal layer (all of it), nothing of layer 2, and no
        // gap in the sequence numbers.
        var expected = new List<byte[]> { await sender.SendAsync(0, keyFrame: true) };
        for (var i = 1; i < 8; i++)
        {
            await sender.SendPictureAsync(2, L1T3[i % 4]);
            expected.AddRange(await sender.SendPictureAsync(0, L1T3[i % 4]));
        }

        var received = await ReceiveRtpAsync(peer, expected.Count);
        Assert.Equal(expected, received.Select(SimulcastSender.Body));
        AssertSequenceContinuous([before[^1], .. received]);
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 2), "two LayersChanged");
        Assert.Equal([new ConsumerLayers(2, 2), new ConsumerLayers(0, 2)], changes);
    }

    [Fact]
    public async Task Preferring_a_lower_layer_it_forwards_the_current_one_until_the_lower_ones_keyframe()
    {
        // A smaller tile is no congestion: the picture keeps moving on the current layer until the switch, as in mediasoup.
        var (scenario, sender, consumer, peer, _, _) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;
        await ReceiveRtpAsync(peer, 2);
        await scenario.Worker.InvokeAsync(() => ((SimulcastConsumer)consumer).SetAllocatedLayer(new VideoLayer(2, 2)));

        await consumer.SetPreferredLayersAsync(0);
        await ReceivePliAsync(scenario, 0);
        var expected = new List<byte[]>();
        for (var i = 0; i < 4; i++)
        {
            expected.AddRange(await sender.SendPictureAsync(2, L1T3[i % 4]));
            await sender.SendPictureAsync(0, L1T3[i % 4]);
        }

        expected.Add(await sender.SendAsync(0, keyFrame: true));
        await sender.SendPictureAsync(2, 0);
        Assert.Equal(expected, (await ReceiveRtpAsync(peer, expected.Count)).Select(SimulcastSender.Body));
    }

    [Fact]
    public async Task Allocated_a_higher_layer_it_forwards_the_current_one_whole_until_the_higher_ones_keyframe()
    {
        // LoadTest saw freezes at up-switches with almost nothing received in them, read as the consumer dropping the
        // old layer before the new one's keyframe: it does not.
        var (scenario, sender, consumer, peer, changes, _) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;
        await ReceiveRtpAsync(peer, 2);
        var simulcast = (SimulcastConsumer)consumer;
        await scenario.Worker.InvokeAsync(() => simulcast.SetAllocatedLayer(new VideoLayer(0, 2)));
        await ReceivePliAsync(scenario, 0);
        var start = await sender.SendAsync(0, keyFrame: true);
        var atLayer0 = await peer.ReceiveRtpAsync();
        Assert.Equal(start, SimulcastSender.Body(atLayer0));
        await scenario.Worker.InvokeAsync(() => simulcast.SetAllocatedLayer(new VideoLayer(2, 2)));
        await ReceivePliAsync(scenario, 2);

        var expected = new List<byte[]>();
        for (var i = 0; i < 8; i++)
        {
            await sender.SendPictureAsync(2, L1T3[i % 4]);
            expected.AddRange(await sender.SendPictureAsync(0, L1T3[i % 4]));
        }

        expected.Add(await sender.SendAsync(2, keyFrame: true));
        await sender.SendPictureAsync(0, 0);
        expected.AddRange(await sender.SendPictureAsync(2, 0));

        var received = await ReceiveRtpAsync(peer, expected.Count);
        Assert.Equal(expected, received.Select(SimulcastSender.Body));
        AssertSequenceContinuous([atLayer0, .. received]);
        await Eventually.TrueAsync(() => Task.FromResult(changes.LastOrDefault() == new ConsumerLayers(2, 2) && changes.Count == 3), "back at the top");
    }

    [Fact]
    public async Task A_new_target_is_asked_for_its_keyframe_at_once_even_right_after_a_request_for_the_old_one()
    {
        var (scenario, _, consumer, peer, _, _) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;
        await ReceiveRtpAsync(peer, 2);

        // The receiver lost packets of layer 2 (a link that just narrowed) and asks for a keyframe: it goes upstream.
        var pli = new byte[12];
        Assert.True(new RtcpPictureLossIndication(1, consumer.RtpParameters.Encodings[0].Ssrc!.Value).TryWrite(pli, out _));
        peer.SendTo(scenario.Consumers[0].Transport.Tuple.LocalPort, pli);
        await ReceivePliAsync(scenario, 2);

        // A moment later the allocation drops the consumer to layer 0: layer 0's keyframe is asked for in that same
        // moment, not a throttle interval (1 s) later, while layer 2 goes on into the narrowed link.
        var requested = await scenario.Worker.InvokeAsync(() =>
        {
            var counters = scenario.ProducerTransport.Counters;
            var requestsBefore = counters.KeyFrameRequestsSent;
            ((SimulcastConsumer)consumer).SetAllocatedLayer(new VideoLayer(0, 2));
            return counters.KeyFrameRequestsSent - requestsBefore;
        });
        Assert.Equal(1, requested);
        await ReceivePliAsync(scenario, 0);
    }

    private static void AssertSequenceContinuous(IReadOnlyList<byte[]> packets)
    {
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.Equal((ushort)(TestRtp.Header(packets[i - 1]).Sequence + 1), TestRtp.Header(packets[i]).Sequence);
        }
    }
}
