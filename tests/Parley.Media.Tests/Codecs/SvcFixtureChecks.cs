using Parley.Media.Codecs;
using Parley.Media.Rtp;

namespace Parley.Media.Tests.Codecs;

/// <summary>What every capture of Chromium's scalable streams must show through the parsers, checked-in or live.</summary>
internal static class SvcFixtureChecks
{
    /// <summary>The dependency descriptor element of <paramref name="packet"/>, or empty.</summary>
    public static byte[] DependencyDescriptorOf(byte[] packet, int id)
    {
        Assert.True(RtpPacket.TryParse(packet, out var parsed));
        foreach (var element in parsed.Extensions)
        {
            if (element.Id == id)
            {
                return element.Value.ToArray();
            }
        }

        return [];
    }

    public static byte[] PayloadOf(byte[] packet)
    {
        Assert.True(RtpPacket.TryParse(packet, out var parsed));
        return parsed.Payload.ToArray();
    }

    public static bool MarkerOf(byte[] packet)
    {
        Assert.True(RtpPacket.TryParse(packet, out var parsed));
        return parsed.Marker;
    }

    /// <summary>
    /// VP9 <c>L3T3_KEY</c>: the first packet starts a keyframe whose SS gives three spatial layers of 960x540 halved;
    /// every packet reads; all nine layer pairs appear; each spatial layer's frame ends with E, the picture with the marker.
    /// </summary>
    public static void AssertVp9KeySvc(SvcFixture fixture)
    {
        var first = PayloadOf(fixture.Packets[0]);
        Assert.True(Vp9PayloadDescriptor.IsKeyFrame(first));
        Assert.True(Vp9PayloadDescriptor.TryRead(first, out var key));
        Assert.True(key.ScalabilityStructureOffset > 0);
        Assert.True(Vp9PayloadDescriptor.TryReadScalabilityStructure(first.AsSpan(key.ScalabilityStructureOffset), out var structure));
        Assert.Equal(3, structure.SpatialLayers);
        Assert.Equal((960, 540), structure.Resolution(first.AsSpan(key.ScalabilityStructureOffset), 2));
        Assert.Equal((480, 270), structure.Resolution(first.AsSpan(key.ScalabilityStructureOffset), 1));
        Assert.Equal((240, 135), structure.Resolution(first.AsSpan(key.ScalabilityStructureOffset), 0));

        var layers = new HashSet<(int, int)>();
        for (var i = 0; i < fixture.Packets.Count; i++)
        {
            var packet = fixture.Packets[i];
            Assert.True(Vp9PayloadDescriptor.TryRead(PayloadOf(packet), out var descriptor), $"packet {i}");
            Assert.True(descriptor.HasLayerIndices);
            layers.Add((descriptor.SpatialId, descriptor.TemporalId));
            if (MarkerOf(packet))
            {
                Assert.True(descriptor.EndOfFrame);
                Assert.Equal(2, descriptor.SpatialId);
            }

            // k-SVC: upper spatial layers lean on the lower ones only in the keyframe's picture.
            if (descriptor.InterLayerDependency)
            {
                Assert.False(descriptor.InterPicturePredicted, $"packet {i}");
            }
        }

        Assert.Equal(9, layers.Count);
    }

    /// <summary>
    /// AV1 <c>L3T3</c>: the first packet's dependency descriptor carries a structure of nine decode targets over three
    /// spatial and three temporal layers with the layers' resolutions; every packet reads against it and writes back
    /// byte for byte; the marker is on the last packet of each temporal unit (spatial layer 2).
    /// </summary>
    public static void AssertAv1FullSvc(SvcFixture fixture)
    {
        Assert.NotEqual(0, fixture.DependencyDescriptorId);
        Av1DependencyStructure? current = null;
        var scratch = new Av1DependencyStructure();
        var targets = new HashSet<(int, int)>();
        Span<byte> written = stackalloc byte[255];
        for (var i = 0; i < fixture.Packets.Count; i++)
        {
            var data = DependencyDescriptorOf(fixture.Packets[i], fixture.DependencyDescriptorId);
            Assert.True(Av1DependencyDescriptorReader.TryRead(data, current, scratch, out var descriptor), $"packet {i}");
            if (descriptor.HasStructure)
            {
                (current, scratch) = (scratch, current ?? new Av1DependencyStructure());
            }

            Assert.NotNull(current);
            var length = Av1DependencyDescriptorWriter.Write(descriptor, data, current, null, written);
            Assert.Equal(Convert.ToHexString(data), Convert.ToHexString(written[..length]));
            targets.Add((descriptor.SpatialId, descriptor.TemporalId));
            if (MarkerOf(fixture.Packets[i]))
            {
                Assert.True(descriptor.EndOfFrame);
                Assert.Equal(2, descriptor.SpatialId);
            }
        }

        Assert.NotNull(current);
        Assert.Equal(9, current.DecodeTargetCount);
        Assert.Equal(2, current.MaxSpatialId);
        Assert.True(current.HasResolutions);
        Assert.Equal((960, 540), current.RenderResolution(2));
        Assert.Equal((240, 135), current.RenderResolution(0));
        for (var target = 0; target < 9; target++)
        {
            Assert.Equal((target / 3, target % 3), (current.DecodeTargetSpatialId(target), current.DecodeTargetTemporalId(target)));
        }

        Assert.Equal(9, targets.Count);
    }
}
