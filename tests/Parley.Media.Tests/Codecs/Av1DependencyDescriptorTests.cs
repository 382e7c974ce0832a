using Parley.Media.Codecs;

namespace Parley.Media.Tests.Codecs;

public sealed class Av1DependencyDescriptorTests
{
    // L1T2 by hand: start and end of frame, template 0, frame 1; a structure of two decode targets over two templates
    // (T0: layers 0/0, switch in both targets, no fdiff; T1: layers 0/1, only in target 1 (discardable), fdiff 1),
    // no chains, no resolutions.
    private static readonly byte[] WithStructure = [0xC0, 0x00, 0x01, 0x80, 0x01, 0x7A, 0x14, 0x00];

    // Start of frame, template 1, frame 2: mandatory fields only.
    private static readonly byte[] Mandatory = [0x81, 0x00, 0x02];

    [Fact]
    public void A_structure_is_read_bit_for_bit()
    {
        var structure = new Av1DependencyStructure();
        Assert.True(Av1DependencyDescriptorReader.TryRead(WithStructure, null, structure, out var descriptor));
        Assert.True(descriptor is { StartOfFrame: true, EndOfFrame: true, TemplateId: 0, FrameNumber: 1, HasStructure: true, SpatialId: 0, TemporalId: 0 });
        Assert.Equal(0b11u, descriptor.ActiveDecodeTargets);
        Assert.Equal(2, structure.DecodeTargetCount);
        Assert.Equal(2, structure.TemplateCount);
        Assert.Equal(0, structure.ChainCount);
        Assert.False(structure.HasResolutions);
        Assert.Equal((0, 0), (structure.DecodeTargetSpatialId(0), structure.DecodeTargetTemporalId(0)));
        Assert.Equal((0, 1), (structure.DecodeTargetSpatialId(1), structure.DecodeTargetTemporalId(1)));
        Assert.Equal(DecodeTargetIndication.Switch, descriptor.Dti(0));
        Assert.Equal(DecodeTargetIndication.Switch, descriptor.Dti(1));
        Assert.Equal(0, descriptor.FdiffCount);
        Assert.Equal(0b01u, structure.DecodeTargetsWithin(0, 0));
        Assert.Equal(0b11u, structure.DecodeTargetsWithin(2, 2));
    }

    [Fact]
    public void A_frame_without_a_structure_reads_against_the_last_one()
    {
        var structure = new Av1DependencyStructure();
        Assert.True(Av1DependencyDescriptorReader.TryRead(WithStructure, null, structure, out _));
        Assert.True(Av1DependencyDescriptorReader.TryRead(Mandatory, structure, new Av1DependencyStructure(), out var descriptor));
        Assert.True(descriptor is { StartOfFrame: true, EndOfFrame: false, TemplateId: 1, FrameNumber: 2, HasExtendedFields: false, TemporalId: 1 });
        Assert.Equal(DecodeTargetIndication.NotPresent, descriptor.Dti(0));
        Assert.Equal(DecodeTargetIndication.Discardable, descriptor.Dti(1));
        Assert.Equal(1, descriptor.FdiffCount);
        Assert.Equal(1, descriptor.Fdiff(0));
    }

    [Fact]
    public void Written_back_unchanged_it_is_the_same_bytes()
    {
        var structure = new Av1DependencyStructure();
        Assert.True(Av1DependencyDescriptorReader.TryRead(WithStructure, null, structure, out var descriptor));
        var written = new byte[32];
        Assert.Equal(WithStructure, written[..Av1DependencyDescriptorWriter.Write(descriptor, WithStructure, structure, null, written)]);
        Assert.True(Av1DependencyDescriptorReader.TryRead(Mandatory, structure, new Av1DependencyStructure(), out descriptor));
        Assert.Equal(Mandatory, written[..Av1DependencyDescriptorWriter.Write(descriptor, Mandatory, structure, null, written)]);
    }

    [Fact]
    public void Active_decode_targets_are_written_into_the_extended_fields()
    {
        var structure = new Av1DependencyStructure();
        Assert.True(Av1DependencyDescriptorReader.TryRead(WithStructure, null, structure, out _));
        Assert.True(Av1DependencyDescriptorReader.TryRead(Mandatory, structure, new Av1DependencyStructure(), out var descriptor));
        var written = new byte[32];
        var length = Av1DependencyDescriptorWriter.Write(descriptor, Mandatory, structure, 0b01, written);

        // Extended flags 0 1 0 0 0, then the two-bit mask 01, then a padding bit.
        Assert.Equal(new byte[] { 0x81, 0x00, 0x02, 0x42 }, written[..length]);
        Assert.True(Av1DependencyDescriptorReader.TryRead(written.AsSpan(0, length), structure, new Av1DependencyStructure(), out var reread));
        Assert.True(reread is { HasActiveDecodeTargets: true, ActiveDecodeTargets: 0b01, TemplateId: 1, FrameNumber: 2, TemporalId: 1 });
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0xC0, 0x00 })]
    [InlineData(new byte[] { 0xC0, 0x00, 0x01, 0x80, 0x01, 0x7A })] // the structure cut short
    public void Truncated_descriptors_are_refused(byte[] data) =>
        Assert.False(Av1DependencyDescriptorReader.TryRead(data, null, new Av1DependencyStructure(), out _));

    [Fact]
    public void A_frame_before_any_structure_or_naming_an_unknown_template_is_refused()
    {
        Assert.False(Av1DependencyDescriptorReader.TryRead(Mandatory, null, new Av1DependencyStructure(), out _));
        var structure = new Av1DependencyStructure();
        Assert.True(Av1DependencyDescriptorReader.TryRead(WithStructure, null, structure, out _));
        Assert.False(Av1DependencyDescriptorReader.TryRead([0x85, 0x00, 0x02], structure, new Av1DependencyStructure(), out _)); // template 5
    }

    [Fact]
    public void Chromium_av1_l3t3_capture_reads_and_writes_back_byte_for_byte() =>
        SvcFixtureChecks.AssertAv1FullSvc(SvcFixture.Load("av1-l3t3.hex"));

    [Fact]
    public void Chromium_av1_l3t3_descriptors_rewritten_for_a_lower_target_read_back_with_it()
    {
        var fixture = SvcFixture.Load("av1-l3t3.hex");
        Av1DependencyStructure? current = null;
        var scratch = new Av1DependencyStructure();
        var written = new byte[255];
        foreach (var packet in fixture.Packets)
        {
            var data = SvcFixtureChecks.DependencyDescriptorOf(packet, fixture.DependencyDescriptorId);
            Assert.True(Av1DependencyDescriptorReader.TryRead(data, current, scratch, out var descriptor));
            if (descriptor.HasStructure)
            {
                (current, scratch) = (scratch, current ?? new Av1DependencyStructure());
            }

            var mask = current!.DecodeTargetsWithin(1, 1);
            var length = Av1DependencyDescriptorWriter.Write(descriptor, data, current, mask, written);
            Assert.True(Av1DependencyDescriptorReader.TryRead(written.AsSpan(0, length), current, new Av1DependencyStructure(), out var reread));
            Assert.Equal(descriptor with { HasExtendedFields = true, HasActiveDecodeTargets = true, ActiveDecodeTargets = mask, DefinitionBitOffset = reread.DefinitionBitOffset }, reread);
        }
    }
}
