using System.Buffers.Binary;
using System.Collections.Concurrent;
using Parley.Media.Allocation;
using Parley.Media.Codecs;
using Parley.Media.Routing;
using Parley.Media.Tests.Codecs;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// SVC consumers in the transport's bitrate allocation, fed Chromium's captures: layer costs measured from the
/// stream's packets, the allocated layers followed where the stream allows it, nothing forwarded while nothing is
/// allocated, and a restart at the next keyframe; <see cref="Consumer.LayersChanged"/> says what really goes out.
/// </summary>
public sealed partial class SvcConsumerTests
{
    private const int Inactivity = 60_000;

    [Fact]
    public async Task An_av1_consumer_follows_its_allocation_forwards_nothing_at_nothing_and_resumes_at_the_next_keyframe()
    {
        var fixture = SvcFixture.Load("av1-l3t3.hex");
        await using var scenario = await RoutingScenario.StartAsync(ProducerParameters(fixture, "video/AV1"));
        var (consumer, peer) = await AddConsumerAsync(scenario, 2);
        var svc = (SvcConsumer)consumer;
        var changes = new ConcurrentQueue<ConsumerLayers?>();
        consumer.LayersChanged += (_, layers) => changes.Enqueue(layers);
        var (transport, _, _) = scenario.Consumers[0];
        Task<long> SentAsync() => scenario.Worker.InvokeAsync(() => transport.Counters.PacketsSent);

        // Allocated (0, 2) after 40 packets: full SVC goes down at the next frame's start, no keyframe needed.
        const int SwitchAfter = 40;
        var expected = new List<byte[]>();
        var target = 8;
        var descriptors = Descriptors(fixture);
        for (var i = 0; i < fixture.Packets.Count; i++)
        {
            if (i == SwitchAfter)
            {
                await scenario.Worker.InvokeAsync(() => svc.SetAllocatedLayer(new VideoLayer(0, 2)));
            }

            if (i >= SwitchAfter && descriptors[i].StartOfFrame)
            {
                target = 2;
            }

            if (descriptors[i].Dti(target) != DecodeTargetIndication.NotPresent)
            {
                expected.Add(fixture.Packets[i]);
            }

            await scenario.SendAndWaitAsync(fixture.Packets[i]);
        }

        var received = new List<byte[]>();
        while (received.Count < expected.Count)
        {
            received.Add(await peer.ReceiveRtpAsync());
        }

        Assert.Equal(expected.Select(SvcFixtureChecks.PayloadOf), received.Select(SvcFixtureChecks.PayloadOf));
        Assert.Equal(new ConsumerLayers(0, 2), consumer.CurrentLayers);

        // Nothing allocated: nothing goes out (not even the skipped-number padding), the layers are null.
        await scenario.Worker.InvokeAsync(() => svc.SetAllocatedLayer(VideoLayer.None));
        Assert.Null(consumer.CurrentLayers);
        var sentBefore = await SentAsync();
        var replay = Replay(fixture, sequenceOffset: 1_000, timestampOffset: 900_000);
        for (var i = 10; i < 30; i++)
        {
            await scenario.SendAndWaitAsync(replay[i]);
        }

        Assert.Equal(sentBefore, await SentAsync());

        // Layer 1 allocated: a keyframe is asked for, and forwarding starts over at it, the sequence numbers going on
        // from the last packet sent.
        var pli = scenario.Sender.ReceiveAsync(d => !UdpPeer.IsRtp(d) && d.Length >= 12 && d[1] == 206 && (d[0] & 0x1F) == 1);
        await scenario.Worker.InvokeAsync(() => svc.SetAllocatedLayer(new VideoLayer(1, 2)));
        await pli;
        var again = Replay(fixture, sequenceOffset: 2_000, timestampOffset: 1_800_000);
        var expectedAgain = again.Where((_, i) => descriptors[i].Dti(5) != DecodeTargetIndication.NotPresent).ToList();
        foreach (var packet in again)
        {
            await scenario.SendAndWaitAsync(packet);
        }

        var receivedAgain = new List<byte[]>();
        while (receivedAgain.Count < expectedAgain.Count)
        {
            receivedAgain.Add(await peer.ReceiveRtpAsync());
        }

        Assert.Equal(expectedAgain.Select(SvcFixtureChecks.PayloadOf), receivedAgain.Select(SvcFixtureChecks.PayloadOf));
        AssertContiguous([received[^1], .. receivedAgain]);
        Assert.Equal(new ConsumerLayers(1, 2), consumer.CurrentLayers);
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 4), "four LayersChanged");
        Assert.Equal([new ConsumerLayers(2, 2), new ConsumerLayers(0, 2), null, new ConsumerLayers(1, 2)], changes);
    }

    [Fact]
    public async Task A_vp9_consumer_gets_the_highest_layer_its_measured_costs_allow_and_is_paused_below_the_lowest()
    {
        var fixture = SvcFixture.Load("vp9-l3t3-key.hex");
        await using var scenario = await RoutingScenario.StartAsync(ProducerParameters(fixture, "video/VP9"), streamInactivityMs: Inactivity);
        var (consumer, peer) = await AddConsumerAsync(scenario, 2);
        var svc = (SvcConsumer)consumer;
        var allocation = new ConsumerBitrateAllocation();
        await scenario.Worker.InvokeAsync(() => allocation.Add(consumer));
        foreach (var packet in fixture.Packets)
        {
            await scenario.SendAndWaitAsync(packet);
        }

        Assert.Equal(new ConsumerLayers(2, 2), consumer.CurrentLayers);
        var forwardedAtTop = fixture.Packets.Count(p => KeySvcLayers(p, 2, 2));
        for (var i = 0; i < forwardedAtTop; i++)
        {
            await peer.ReceiveRtpAsync();
        }

        // An estimate between layer 1's costs: a lone consumer gets the highest layer (spatial, then temporal) whose
        // cost with the 15 % upgrade headroom fits.
        var chosen = await scenario.Worker.InvokeAsync(() =>
        {
            var now = scenario.Worker.Timers.Now;
            var costs = new LayerBitrates(3, 3);
            Assert.True(svc.MeasureLayerCosts(costs, now, Inactivity));
            var estimate = (costs[1, 0] + costs[1, 1]) / 2;
            allocation.Run(estimate, 0, now, 0, Inactivity);
            var best = VideoLayer.None;
            for (var s = 0; s < 3; s++)
            {
                for (var t = 0; t < 3; t++)
                {
                    if (costs[s, t] > 0 && costs[s, t] * 1.15 <= estimate)
                    {
                        best = new VideoLayer(s, t);
                    }
                }
            }

            return best;
        });
        Assert.Equal(new VideoLayer(1, 0), chosen);

        // k-SVC goes down at the next keyframe: the replayed capture's, from which only that layer (and the keyframe
        // picture under it) goes out.
        var replay = Replay(fixture, sequenceOffset: 1_000, timestampOffset: 900_000);
        var expected = replay.Where(p => KeySvcLayers(p, 1, chosen.Temporal)).ToList();
        foreach (var packet in replay)
        {
            await scenario.SendAndWaitAsync(packet);
        }

        var fromKeyFrame = new List<byte[]>();
        while (fromKeyFrame.Count < expected.Count)
        {
            fromKeyFrame.Add(await peer.ReceiveRtpAsync());
        }

        Assert.Equal(expected.Select(SvcFixtureChecks.PayloadOf), fromKeyFrame.Select(SvcFixtureChecks.PayloadOf));
        Assert.Equal(new ConsumerLayers(chosen.Spatial, chosen.Temporal), consumer.CurrentLayers);

        // Below the lowest layer's cost: paused, layers null.
        await scenario.Worker.InvokeAsync(() =>
        {
            var now = scenario.Worker.Timers.Now;
            var costs = new LayerBitrates(3, 3);
            Assert.True(svc.MeasureLayerCosts(costs, now, Inactivity));
            allocation.Run(costs[0, 0] / 2, 0, now, 100_000, Inactivity);
        });
        Assert.Null(consumer.CurrentLayers);
    }

    [Theory]
    [InlineData("vp9-l3t3-key.hex", "video/VP9")]
    [InlineData("av1-l3t3.hex", "video/AV1")]
    public async Task Running_the_allocation_over_svc_consumers_allocates_nothing(string fixtureName, string mimeType)
    {
        var fixture = SvcFixture.Load(fixtureName);
        await using var scenario = await RoutingScenario.StartAsync(ProducerParameters(fixture, mimeType), streamInactivityMs: Inactivity);
        var allocation = new ConsumerBitrateAllocation();
        for (var i = 0; i < 4; i++)
        {
            var (consumer, _) = await AddConsumerAsync(scenario, i % 3);
            await consumer.SetPriorityAsync((ConsumerPriority)(i % 3));
            await scenario.Worker.InvokeAsync(() => allocation.Add(consumer));
        }

        var allocated = await scenario.Worker.InvokeAsync(() =>
        {
            foreach (var packet in fixture.Packets)
            {
                scenario.ProducerTransport.HandleRtp(packet);
            }

            long micros = 0;
            return AllocationMeter.LeastPerRound(
                () =>
                {
                    micros += 100_000;
                    allocation.Run(10_000_000, 100_000, scenario.Worker.Timers.Now, micros, Inactivity);
                },
                warmUp: 20,
                perRound: 50);
        });

        Assert.Equal(0, allocated);
    }

    /// <summary>Whether a k-SVC consumer at (<paramref name="spatial"/>, <paramref name="temporal"/>) gets the packet: its own layer, and the keyframe picture under it.</summary>
    private static bool KeySvcLayers(byte[] packet, int spatial, int temporal)
    {
        Assert.True(Vp9PayloadDescriptor.TryRead(SvcFixtureChecks.PayloadOf(packet), out var d));
        return d.TemporalId <= temporal && (d.SpatialId == spatial || (d.SpatialId < spatial && !d.InterPicturePredicted));
    }

    /// <summary>Each packet's dependency descriptor, read in order against the structures the capture brings.</summary>
    private static List<Av1DependencyDescriptor> Descriptors(SvcFixture fixture)
    {
        var descriptors = new List<Av1DependencyDescriptor>();
        Av1DependencyStructure? structure = null;
        var scratch = new Av1DependencyStructure();
        foreach (var packet in fixture.Packets)
        {
            Assert.True(Av1DependencyDescriptorReader.TryRead(
                SvcFixtureChecks.DependencyDescriptorOf(packet, fixture.DependencyDescriptorId), structure, scratch, out var d));
            if (d.HasStructure)
            {
                (structure, scratch) = (scratch, structure ?? new Av1DependencyStructure());
            }

            descriptors.Add(d);
        }

        return descriptors;
    }

    /// <summary>The capture again, later: sequence numbers and timestamps moved on (the keyframe at its start again).</summary>
    private static List<byte[]> Replay(SvcFixture fixture, ushort sequenceOffset, uint timestampOffset) =>
        [.. fixture.Packets.Select(p =>
        {
            var copy = p.ToArray();
            BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(2), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(copy.AsSpan(2)) + sequenceOffset));
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(4), BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(4)) + timestampOffset);
            return copy;
        })];
}
