using Parley.Media.Codecs;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Rtp;
using Parley.Media.Tests.Codecs;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// Per-layer costs measured from the packets, checked against Chromium's own SVC captures counted independently: a
/// target (spatial, temporal) costs every byte its receiver gets, and a spatial layer not received costs nothing.
/// </summary>
public sealed class LayerBitrateMeterTests
{
    private const long Now = 10_000;

    [Fact]
    public void Vp8_temporal_layers_are_cumulative_and_padding_counts_in_every_layer()
    {
        var meter = new Vp8TemporalBitrateMeter(3);
        // Chromium's L1T3 pattern 0, 2, 1, 2 with 100-byte payloads, then a padding-only packet (no descriptor).
        var sizes = new long[3];
        foreach (var tid in new[] { 0, 2, 1, 2, 0, 2, 1, 2 })
        {
            byte[] payload = [0x90, 0x20, 0x00, .. new byte[97]];
            payload[2] = (byte)(tid << 6);
            var packet = TestRtp.Build(96, 1, 1, 1, payload);
            Feed(meter, packet);
            for (var t = tid; t < 3; t++)
            {
                sizes[t] += packet.Length;
            }
        }

        var padding = TestRtp.Build(96, 2, 1, 1, []);
        Feed(meter, padding);

        for (var t = 0; t < 3; t++)
        {
            Assert.Equal((sizes[t] + padding.Length) * 8, meter.GetBitrate(0, t, Now));
        }

        Assert.True(meter.GetBitrate(0, 0, Now) < meter.GetBitrate(0, 1, Now));
        Assert.Equal(0, meter.GetBitrate(0, 2, Now + 1_000)); // a second later nothing was received
    }

    [Fact]
    public void Vp9_k_svc_costs_its_own_layer_and_the_keyframe_below_it()
    {
        var fixture = SvcFixture.Load("vp9-l3t3-key.hex");
        var meter = new Vp9SvcBitrateMeter(3, 3, keySvc: true);
        foreach (var packet in fixture.Packets)
        {
            Feed(meter, packet);
        }

        for (var s = 0; s < 3; s++)
        {
            for (var t = 0; t < 3; t++)
            {
                var expected = fixture.Packets.Where(p =>
                {
                    Assert.True(Vp9PayloadDescriptor.TryRead(SvcFixtureChecks.PayloadOf(p), out var d));
                    return d.TemporalId <= t && (d.SpatialId == s || (d.SpatialId < s && !d.InterPicturePredicted));
                }).Sum(p => (long)p.Length) * 8;
                Assert.Equal(expected, meter.GetBitrate(s, t, Now));
            }
        }
    }

    [Fact]
    public void A_spatial_layer_that_is_not_received_costs_nothing()
    {
        var fixture = SvcFixture.Load("vp9-l3t3-key.hex");
        var meter = new Vp9SvcBitrateMeter(3, 3, keySvc: true);
        foreach (var packet in fixture.Packets)
        {
            Assert.True(Vp9PayloadDescriptor.TryRead(SvcFixtureChecks.PayloadOf(packet), out var d));
            if (d.SpatialId == 0)
            {
                Feed(meter, packet);
            }
        }

        // The keyframe's layer-0 picture counts toward layers 1 and 2, but neither arrives: they are not offered.
        Assert.True(meter.GetBitrate(0, 2, Now) > 0);
        Assert.True(meter.IsReceived(0, Now));
        Assert.False(meter.IsReceived(1, Now));
        Assert.Equal(0, meter.GetBitrate(1, 2, Now));
        Assert.Equal(0, meter.GetBitrate(2, 0, Now));
    }

    [Fact]
    public void An_av1_decode_target_costs_the_frames_present_in_it()
    {
        var fixture = SvcFixture.Load("av1-l3t3.hex");
        var parameters = new RtpParameters
        {
            HeaderExtensions = [new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.DependencyDescriptor, Id = fixture.DependencyDescriptorId }],
        };
        var meter = new DependencyDescriptorBitrateMeter(3, 3, DependencyDescriptorTracker.ForProducer(parameters)!);
        var expected = new long[9];
        Av1DependencyStructure? structure = null;
        var scratch = new Av1DependencyStructure();
        foreach (var packet in fixture.Packets)
        {
            Feed(meter, packet);
            Assert.True(Av1DependencyDescriptorReader.TryRead(
                SvcFixtureChecks.DependencyDescriptorOf(packet, fixture.DependencyDescriptorId), structure, scratch, out var d));
            if (d.HasStructure)
            {
                (structure, scratch) = (scratch, structure ?? new Av1DependencyStructure());
            }

            for (var target = 0; target < 9; target++)
            {
                if (d.Dti(target) != DecodeTargetIndication.NotPresent)
                {
                    expected[target] += packet.Length;
                }
            }
        }

        // Chromium's L3T3 decode targets: spatial-major, three temporal layers each.
        for (var target = 0; target < 9; target++)
        {
            Assert.Equal(expected[target] * 8, meter.GetBitrate(target / 3, target % 3, Now));
        }

        Assert.True(meter.GetBitrate(2, 2, Now) > meter.GetBitrate(2, 0, Now));
        Assert.True(meter.GetBitrate(2, 0, Now) > meter.GetBitrate(1, 0, Now)); // full SVC: S2 carries S1 and S0
    }

    private static void Feed(LayerBitrateMeter meter, byte[] packet)
    {
        Assert.True(RtpPacket.TryParse(packet, out var parsed));
        meter.OnPacket(parsed, Now);
    }
}
