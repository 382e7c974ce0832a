using System.Net;
using Parley.Media.Codecs;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Rtp;
using Parley.Media.Tests.Codecs;
using Parley.Media.Tests.Ortc;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// SVC consumers fed Chromium's own packets (the checked-in VP9 <c>L3T3_KEY</c> and AV1 <c>L3T3</c> captures): each
/// spatial layer's consumer forwards exactly the packets of its layers, with contiguous sequence numbers, the marker bit
/// at the end of its layer's frames, and (AV1) the dependency descriptor naming the decode targets it gets.
/// </summary>
public sealed partial class SvcConsumerTests
{
    private const int DependencyDescriptorConsumerId = 8;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_vp9_k_svc_consumer_forwards_its_spatial_layer_and_the_keyframe_below_it(int spatialLayer)
    {
        var fixture = SvcFixture.Load("vp9-l3t3-key.hex");

        // k-SVC: the layer itself, and the lower layers only in the keyframe's (intra-coded) picture.
        var expected = fixture.Packets.Where(p =>
        {
            Assert.True(Vp9PayloadDescriptor.TryRead(SvcFixtureChecks.PayloadOf(p), out var d));
            return d.SpatialId == spatialLayer || (d.SpatialId < spatialLayer && !d.InterPicturePredicted);
        }).ToList();
        var received = await ForwardAsync(fixture, "video/VP9", spatialLayer, expected.Count);

        Assert.Equal(expected.Select(SvcFixtureChecks.PayloadOf), received.Select(SvcFixtureChecks.PayloadOf));
        AssertContiguous(received);
        foreach (var packet in received)
        {
            Assert.True(Vp9PayloadDescriptor.TryRead(SvcFixtureChecks.PayloadOf(packet), out var d));
            Assert.Equal(d.EndOfFrame && d.SpatialId == spatialLayer, SvcFixtureChecks.MarkerOf(packet));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task An_av1_consumer_forwards_its_decode_target_and_names_it_in_the_dependency_descriptor(int spatialLayer)
    {
        var fixture = SvcFixture.Load("av1-l3t3.hex");
        var target = (spatialLayer * 3) + 2; // Chromium's L3T3 decode targets: spatial-major, three temporal layers each
        var expected = new List<byte[]>();
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

            if (d.Dti(target) != DecodeTargetIndication.NotPresent)
            {
                expected.Add(packet);
            }
        }

        var received = await ForwardAsync(fixture, "video/AV1", spatialLayer, expected.Count);

        Assert.Equal(expected.Select(SvcFixtureChecks.PayloadOf), received.Select(SvcFixtureChecks.PayloadOf));
        AssertContiguous(received);
        var active = structure!.DecodeTargetsWithin(spatialLayer, 2); // full SVC: every lower decode target comes whole
        var readBack = new Av1DependencyStructure();
        Av1DependencyStructure? current = null;
        for (var i = 0; i < received.Count; i++)
        {
            var data = SvcFixtureChecks.DependencyDescriptorOf(received[i], DependencyDescriptorConsumerId);
            Assert.True(Av1DependencyDescriptorReader.TryRead(data, current, readBack, out var d), $"packet {i}");
            if (d.HasStructure)
            {
                (current, readBack) = (readBack, current ?? new Av1DependencyStructure());
            }

            Assert.True(d.HasActiveDecodeTargets);
            Assert.Equal(active, d.ActiveDecodeTargets);
            Assert.Equal(d.EndOfFrame && d.SpatialId == spatialLayer, SvcFixtureChecks.MarkerOf(received[i]));
        }
    }

    private static void AssertContiguous(List<byte[]> received)
    {
        for (var i = 1; i < received.Count; i++)
        {
            Assert.Equal((ushort)(TestRtp.Header(received[i - 1]).Sequence + 1), TestRtp.Header(received[i]).Sequence);
        }
    }

    /// <summary>Sends the capture through a router to a consumer that prefers <paramref name="spatialLayer"/>; returns what it sent.</summary>
    private static async Task<List<byte[]>> ForwardAsync(SvcFixture fixture, string mimeType, int spatialLayer, int expectedCount)
    {
        await using var scenario = await RoutingScenario.StartAsync(ProducerParameters(fixture, mimeType));
        Assert.Equal(RtpParametersType.Svc, scenario.Producer.Type);
        var (consumer, peer) = await AddConsumerAsync(scenario, spatialLayer);
        foreach (var packet in fixture.Packets)
        {
            await scenario.SendAndWaitAsync(packet);
        }

        var received = new List<byte[]>();
        while (received.Count < expectedCount)
        {
            received.Add(await peer.ReceiveRtpAsync());
        }

        Assert.Equal(new ConsumerLayers(spatialLayer, 2), consumer.CurrentLayers);
        return received;
    }

    [Fact]
    public async Task An_av1_consumer_lowered_to_layer_0_switches_at_the_next_frame_and_reports_it()
    {
        var fixture = SvcFixture.Load("av1-l3t3.hex");
        await using var scenario = await RoutingScenario.StartAsync(ProducerParameters(fixture, "video/AV1"));
        var (consumer, peer) = await AddConsumerAsync(scenario, 2);
        var changes = new List<ConsumerLayers?>();
        consumer.LayersChanged += (_, layers) => { lock (changes) changes.Add(layers); };

        // Full SVC: spatial layer 0's frames were forwarded all along, so the consumer needs no keyframe to go down; it
        // switches at the next frame's start (a frame already begun is finished on the old decode target).
        const int SwitchAfter = 40;
        var expected = new List<byte[]>();
        Av1DependencyStructure? structure = null;
        var scratch = new Av1DependencyStructure();
        var target = 8;
        for (var i = 0; i < fixture.Packets.Count; i++)
        {
            var packet = fixture.Packets[i];
            Assert.True(Av1DependencyDescriptorReader.TryRead(
                SvcFixtureChecks.DependencyDescriptorOf(packet, fixture.DependencyDescriptorId), structure, scratch, out var d));
            if (d.HasStructure)
            {
                (structure, scratch) = (scratch, structure ?? new Av1DependencyStructure());
            }

            if (i == SwitchAfter)
            {
                await consumer.SetPreferredLayersAsync(0, 2);
            }

            if (i >= SwitchAfter && d.StartOfFrame)
            {
                target = 2;
            }

            if (d.Dti(target) != DecodeTargetIndication.NotPresent)
            {
                expected.Add(packet);
            }

            await scenario.SendAndWaitAsync(packet);
        }

        var received = new List<byte[]>();
        while (received.Count < expected.Count)
        {
            received.Add(await peer.ReceiveRtpAsync());
        }

        Assert.Equal(expected.Select(SvcFixtureChecks.PayloadOf), received.Select(SvcFixtureChecks.PayloadOf));
        AssertContiguous(received);
        Assert.Equal(new ConsumerLayers(0, 2), consumer.CurrentLayers);
        await Eventually.TrueAsync(() => Task.FromResult(changes.Count == 2), "two LayersChanged");
        Assert.Equal([new ConsumerLayers(2, 2), new ConsumerLayers(0, 2)], changes);
    }

    [Theory]
    [InlineData("vp9-l3t3-key.hex", "video/VP9")]
    [InlineData("av1-l3t3.hex", "video/AV1")]
    public async Task Forwarding_svc_layers_allocates_nothing(string fixtureName, string mimeType)
    {
        var fixture = SvcFixture.Load(fixtureName);
        await using var scenario = await RoutingScenario.StartAsync(ProducerParameters(fixture, mimeType));
        for (var layer = 0; layer < 3; layer++)
        {
            await AddConsumerAsync(scenario, layer);
        }

        // The first half (the keyframe and its structure among it) warms up; the steady state must not allocate.
        var (allocated, sent) = await scenario.FeedAndMeasureAllocationsAsync([.. fixture.Packets], warmUp: 50);

        Assert.True(sent >= 50, $"{sent} sent"); // every packet reaches at least the consumer of its own layer
        Assert.Equal(0, allocated);
    }

    /// <summary>A consumer (with the dependency descriptor negotiated) on its own transport and peer, preferring <paramref name="spatialLayer"/>.</summary>
    private static async Task<(Consumer Consumer, UdpPeer Peer)> AddConsumerAsync(RoutingScenario scenario, int spatialLayer)
    {
        var peer = new UdpPeer();
        var transport = await scenario.Router.CreatePlainTransportAsync();
        await transport.ConnectAsync(IPAddress.Loopback, peer.Port);
        var capabilities = OrtcTestData.DeviceCapabilities();
        capabilities.HeaderExtensions.Add(new RtpHeaderExtension
        {
            Kind = MediaKind.Video, Uri = RtpHeaderExtensionUris.DependencyDescriptor, PreferredId = DependencyDescriptorConsumerId,
        });
        var consumer = await transport.ConsumeAsync(scenario.Producer.Id, capabilities);
        Assert.Equal("SvcConsumer", consumer.GetType().Name);
        await consumer.SetPreferredLayersAsync(spatialLayer, 2);
        await consumer.ResumeAsync();
        scenario.Consumers.Add((transport, consumer, peer));
        return (consumer, peer);
    }

    private static RtpParameters ProducerParameters(SvcFixture fixture, string mimeType)
    {
        var parameters = OrtcTestData.Producer(OrtcTestData.Vp9SvcFile);
        var ssrc = TestRtp.Header(fixture.Packets[0]).Ssrc;
        var media = parameters.Codecs[0];
        media.MimeType = mimeType;
        media.PayloadType = fixture.PayloadType;
        if (mimeType != "video/VP9")
        {
            media.Parameters.Clear();
        }

        parameters.Codecs[1].Parameters["apt"] = fixture.PayloadType;
        parameters.Codecs[1].PayloadType = fixture.PayloadType + 1;
        parameters.HeaderExtensions.RemoveAll(e => e.Id == fixture.DependencyDescriptorId);
        parameters.HeaderExtensions.Find(e => e.Uri == RtpHeaderExtensionUris.DependencyDescriptor)!.Id = fixture.DependencyDescriptorId;
        parameters.Encodings[0].Ssrc = ssrc;
        parameters.Encodings[0].Rtx = null;
        parameters.Encodings[0].ScalabilityMode = fixture.ScalabilityMode;
        return parameters;
    }
}
