using System.Buffers.Binary;
using Parley.Media.Allocation;
using Parley.Media.Routing;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// The transport's bitrate allocation over a real simulcast consumer: layer costs measured from the VP8 temporal
/// layers it receives (each encoding L1T3), and the consumer forwarding the (spatial, temporal) layer allocated.
/// </summary>
public sealed partial class SimulcastTests
{
    private const int Inactivity = 60_000;

    /// <summary>
    /// Builds two L1T3 cycles on every layer, layer n's pictures made of 1, 2, 8 packets of one size: temporal layer 0
    /// costs a quarter of a layer, layer 1 a half; layer 1 costs twice layer 0, layer 2 eight times.
    /// </summary>
    private static byte[][] TwoCyclesOfEveryLayer(SimulcastSender sender)
    {
        int[] packetsPerPicture = [1, 2, 8];
        var packets = new List<byte[]>();
        for (var i = 0; i < 8; i++)
        {
            for (var layer = 0; layer < 3; layer++)
            {
                for (var p = 0; p < packetsPerPicture[layer]; p++)
                {
                    packets.Add(sender.BuildPicturePacket(layer, L1T3[i % 4], first: p == 0, last: p == packetsPerPicture[layer] - 1).Packet);
                }
            }
        }

        return [.. packets];
    }

    /// <summary>
    /// On the worker, in one call (so every packet lands in the same instant of the meters): feeds the packets, measures
    /// the costs, and runs the allocation with the estimate <paramref name="estimate"/> makes of them (the allocator's
    /// clock at <paramref name="atMicroseconds"/>). Returns the costs.
    /// </summary>
    private static Task<LayerBitrates> FeedAndAllocateAsync(
        RoutingScenario scenario, ConsumerBitrateAllocation allocation, SimulcastConsumer consumer, byte[][] packets,
        Func<LayerBitrates, long> estimate, long atMicroseconds) =>
        scenario.Worker.InvokeAsync(() =>
        {
            foreach (var packet in packets)
            {
                scenario.ProducerTransport.HandleRtp(packet);
            }

            var now = scenario.Worker.Timers.Now;
            var costs = new LayerBitrates(3, 3);
            Assert.True(consumer.MeasureLayerCosts(costs, now, Inactivity));
            allocation.Run(estimate(costs), 0, now, atMicroseconds, Inactivity);
            return costs;
        });

    /// <summary>Receives what the consumer sends until <paramref name="count"/> packets of <paramref name="layer"/> came.</summary>
    private static async Task<List<byte[]>> ReceiveLayerAsync(UdpPeer peer, int layer, int count)
    {
        var received = new List<byte[]>();
        while (received.Count < count)
        {
            var packet = await peer.ReceiveRtpAsync();
            if (SimulcastSender.Body(packet)[6] == layer)
            {
                received.Add(packet);
            }
        }

        return received;
    }

    [Fact]
    public async Task A_tight_estimate_holds_layer_1_at_temporal_layer_0_rather_than_dropping_to_layer_0_and_adds_layer_1_when_it_fits()
    {
        var (scenario, sender, consumer, peer, changes, _) = await StartAtTopLayerAsync(Inactivity);
        await using var cleanup = scenario;
        var simulcast = (SimulcastConsumer)consumer;
        var allocation = new ConsumerBitrateAllocation();
        await scenario.Worker.InvokeAsync(() => allocation.Add(consumer));

        // 1.2 × layer 1 at temporal layer 0: that fits with the upgrade headroom (1.15); layer 1 whole and layer 0
        // whole do not (without temporal steps the consumer would be paused).
        var costs = await FeedAndAllocateAsync(scenario, allocation, simulcast, TwoCyclesOfEveryLayer(sender), c => c[1, 0] * 12 / 10, 0);
        Assert.True(costs[0, 0] < costs[0, 1] && costs[0, 1] < costs[0, 2] && costs[1, 0] < costs[1, 1] && costs[1, 1] < costs[1, 2]);
        Assert.True(costs[0, 2] > costs[1, 0] * 12 / 10 && costs[2, 0] > costs[1, 1]);

        await ReceivePliAsync(scenario, 1);
        await sender.SendAsync(1, keyFrame: true);
        await Eventually.TrueAsync(() => Task.FromResult(consumer.CurrentLayers == new ConsumerLayers(1, 0)), "layer 1 at temporal layer 0");
        var expected = new List<byte[]>();
        for (var i = 0; i < 8; i++)
        {
            var bodies = await sender.SendPictureAsync(1, L1T3[i % 4]);
            if (L1T3[i % 4] == 0)
            {
                expected.AddRange(bodies);
            }
        }

        var received = (await ReceiveLayerAsync(peer, 1, expected.Count + 1)).Skip(1);
        Assert.Equal(expected, received.Select(SimulcastSender.Body));

        // Layer 1 up to temporal layer 1, with headroom: it fits, layer 1 whole does not; but not before the layer was
        // held 2 s (the allocator's clock).
        await FeedAndAllocateAsync(scenario, allocation, simulcast, TwoCyclesOfEveryLayer(sender), c => c[1, 1] * 12 / 10, 500_000);
        await sender.SendPictureAsync(1, 0);
        Assert.Equal(new ConsumerLayers(1, 0), consumer.CurrentLayers);
        await FeedAndAllocateAsync(scenario, allocation, simulcast, TwoCyclesOfEveryLayer(sender), c => c[1, 1] * 12 / 10, 2_500_000);
        await sender.SendPictureAsync(1, 0);
        await Eventually.TrueAsync(() => Task.FromResult(consumer.CurrentLayers == new ConsumerLayers(1, 1)), "temporal layer 1 added");

        // Less than the lowest layer: paused, layers null; back to the top when everything fits (after a hold of 4 s:
        // the upgrade to temporal layer 1 did not last).
        await FeedAndAllocateAsync(scenario, allocation, simulcast, TwoCyclesOfEveryLayer(sender), c => c[0, 0] / 2, 2_600_000);
        await Eventually.TrueAsync(() => Task.FromResult(consumer.CurrentLayers is null), "paused");
        await FeedAndAllocateAsync(scenario, allocation, simulcast, TwoCyclesOfEveryLayer(sender), c => c[2, 2] * 2, 7_000_000);
        await ReceivePliAsync(scenario, 2);
        await sender.SendAsync(2, keyFrame: true);
        await Eventually.TrueAsync(() => Task.FromResult(consumer.CurrentLayers == new ConsumerLayers(2, 2)), "the top layer");
        await Eventually.TrueAsync(
            () => Task.FromResult(changes.ToArray() is [_, ..] c && c[^1] == new ConsumerLayers(2, 2)), "LayersChanged up to the top layer");
        Assert.Contains(null, changes);
        Assert.Contains(new ConsumerLayers(1, 0), changes);
        Assert.Contains(new ConsumerLayers(1, 1), changes);
    }

    [Fact]
    public async Task Running_the_allocation_allocates_nothing()
    {
        await using var scenario = await RoutingScenario.StartAsync(SimulcastParameters(), streamInactivityMs: Inactivity);
        var sender = new SimulcastSender(scenario);
        var allocation = new ConsumerBitrateAllocation();
        for (var i = 0; i < 8; i++)
        {
            var (_, consumer, _) = await scenario.AddConsumerAsync();
            await consumer.SetPriorityAsync((ConsumerPriority)(i % 3));
            await scenario.Worker.InvokeAsync(() => allocation.Add(consumer));
        }

        var packets = TwoCyclesOfEveryLayer(sender);
        var allocated = await scenario.Worker.InvokeAsync(() =>
        {
            foreach (var packet in packets)
            {
                scenario.ProducerTransport.HandleRtp(packet);
            }

            long micros = 0;
            return AllocationMeter.LeastPerRound(
                () =>
                {
                    micros += 100_000;
                    var now = scenario.Worker.Timers.Now;
                    allocation.Run(10_000_000, 100_000, now, micros, Inactivity);
                },
                warmUp: 20,
                perRound: 50);
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task Each_layers_last_keyframe_size_is_measured_once_the_next_frame_comes_and_reported_in_the_costs_and_stats()
    {
        var (scenario, sender, consumer, _, _, _) = await StartAtTopLayerAsync(Inactivity);
        await using var cleanup = scenario;
        var simulcast = (SimulcastConsumer)consumer;

        // The start sent layer 2 a one-packet keyframe and a frame after it; layer 1 never had a keyframe.
        var first = await KeyFrameBitsAsync(scenario, simulcast, 2);
        Assert.True(first > 0);
        Assert.Equal(0, await KeyFrameBitsAsync(scenario, simulcast, 1));

        // A new keyframe of three packets of one timestamp, a late packet of the frame before it among them.
        var keyFrame = sender.Build(2, keyFrame: true).Packet;
        var timestamp = BinaryPrimitives.ReadUInt32BigEndian(keyFrame.AsSpan(4));
        var second = WithTimestamp(sender.Build(2).Packet, timestamp);
        var late = WithTimestamp(sender.Build(2).Packet, timestamp - 3000);
        var third = WithTimestamp(sender.Build(2).Packet, timestamp);
        foreach (var packet in new[] { keyFrame, second, late, third })
        {
            await scenario.SendAndWaitAsync(packet);
        }

        // Complete only when a later frame of the layer arrives.
        Assert.Equal(first, await KeyFrameBitsAsync(scenario, simulcast, 2));
        await sender.SendAsync(2);
        var size = keyFrame.Length + second.Length + third.Length;
        Assert.Equal(size * 8L, await KeyFrameBitsAsync(scenario, simulcast, 2));

        var stats = await consumer.Producer.GetStatsAsync();
        Assert.Equal(size, stats.Single(s => s.Ssrc == SimulcastSender.Ssrc(2)).KeyFrameBytes);
    }

    private static byte[] WithTimestamp(byte[] packet, uint timestamp)
    {
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        return packet;
    }

    private static Task<long> KeyFrameBitsAsync(RoutingScenario scenario, SimulcastConsumer consumer, int layer) =>
        scenario.Worker.InvokeAsync(() =>
        {
            var costs = new LayerBitrates(3, 3);
            consumer.MeasureLayerCosts(costs, scenario.Worker.Timers.Now, Inactivity);
            return costs.GetKeyFrameBits(layer);
        });
}
