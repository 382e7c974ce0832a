namespace Parley.Media.Codecs;

/// <summary>
/// Writes a dependency descriptor back (AV1 RTP specification, Appendix A) with the active decode targets a receiver
/// gets: the mandatory fields, the extended fields (the template structure when the original carried one, the active
/// decode targets bitmask), then the original's frame dependency definition bit for bit. An SFU that forwards only some
/// decode targets marks the others inactive, so that the receiver does not wait for frames that will never come.
/// </summary>
internal static class Av1DependencyDescriptorWriter
{
    /// <summary>
    /// Writes <paramref name="descriptor"/> (read from <paramref name="source"/> against <paramref name="structure"/>)
    /// into <paramref name="destination"/> with <paramref name="activeDecodeTargets"/> as its active decode targets, or
    /// with the original's when null. Returns the length; 0 when it does not fit.
    /// </summary>
    public static int Write(
        in Av1DependencyDescriptor descriptor, ReadOnlySpan<byte> source, Av1DependencyStructure structure, uint? activeDecodeTargets, Span<byte> destination)
    {
        var bits = new BitWriter(destination);
        bits.WriteFlag(descriptor.StartOfFrame);
        bits.WriteFlag(descriptor.EndOfFrame);
        bits.Write((uint)descriptor.TemplateId, 6);
        bits.Write((uint)descriptor.FrameNumber, 16);
        var writeActive = activeDecodeTargets is not null || descriptor.HasActiveDecodeTargets;
        var active = activeDecodeTargets ?? descriptor.ActiveDecodeTargets;
        var extended = descriptor.HasExtendedFields || writeActive;
        if (extended)
        {
            bits.WriteFlag(descriptor.HasStructure);
            bits.WriteFlag(writeActive);
            bits.WriteFlag(descriptor.CustomDtis);
            bits.WriteFlag(descriptor.CustomFdiffs);
            bits.WriteFlag(descriptor.CustomChains);
            if (descriptor.HasStructure)
            {
                WriteStructure(ref bits, structure);
            }

            if (writeActive)
            {
                bits.Write(active & Av1DependencyDescriptorReader.AllTargets(structure.DecodeTargetCount), structure.DecodeTargetCount);
            }
        }

        var reader = new BitReader(source);
        reader.Read(descriptor.DefinitionBitOffset);
        for (var remaining = descriptor.DefinitionBitLength; remaining > 0; remaining -= 32)
        {
            var chunk = Math.Min(32, remaining);
            bits.Write(reader.Read(chunk), chunk);
        }

        // Extended fields make at least 29 bits, so the result never has the 3 bytes of a descriptor without them.
        var length = bits.ByteLength;
        if (!bits.Ok || !reader.Ok)
        {
            return 0;
        }

        // Zero the padding bits of the last byte.
        for (var bit = bits.Position; bit < length * 8; bit++)
        {
            destination[bit >> 3] &= (byte)~(0x80 >> (bit & 7));
        }

        return length;
    }

    private static void WriteStructure(ref BitWriter bits, Av1DependencyStructure structure)
    {
        bits.Write((uint)structure.TemplateIdOffset, 6);
        bits.Write((uint)structure.DecodeTargetCount - 1, 5);
        for (var t = 0; t < structure.TemplateCount; t++)
        {
            uint next;
            if (t == structure.TemplateCount - 1)
            {
                next = 3;
            }
            else if (structure.TemplateSpatial[t + 1] > structure.TemplateSpatial[t])
            {
                next = 2;
            }
            else if (structure.TemplateTemporal[t + 1] > structure.TemplateTemporal[t])
            {
                next = 1;
            }
            else
            {
                next = 0;
            }

            bits.Write(next, 2);
        }

        for (var t = 0; t < structure.TemplateCount; t++)
        {
            for (var target = 0; target < structure.DecodeTargetCount; target++)
            {
                bits.Write((uint)structure.TemplateDti(t, target), 2);
            }
        }

        for (var t = 0; t < structure.TemplateCount; t++)
        {
            for (var i = 0; i < structure.TemplateFdiffCount[t]; i++)
            {
                bits.WriteFlag(true);
                bits.Write((uint)structure.TemplateFdiff(t, i) - 1, 4);
            }

            bits.WriteFlag(false);
        }

        bits.WriteNonSymmetric((uint)structure.ChainCount, (uint)structure.DecodeTargetCount + 1);
        if (structure.ChainCount > 0)
        {
            for (var target = 0; target < structure.DecodeTargetCount; target++)
            {
                bits.WriteNonSymmetric(structure.ProtectedBy[target], (uint)structure.ChainCount);
            }

            for (var t = 0; t < structure.TemplateCount; t++)
            {
                for (var chain = 0; chain < structure.ChainCount; chain++)
                {
                    bits.Write((uint)structure.TemplateChainFdiff(t, chain), 4);
                }
            }
        }

        bits.WriteFlag(structure.HasResolutions);
        if (structure.HasResolutions)
        {
            for (var s = 0; s <= structure.MaxSpatialId; s++)
            {
                bits.Write(structure.RenderWidths[s], 16);
                bits.Write(structure.RenderHeights[s], 16);
            }
        }
    }
}
