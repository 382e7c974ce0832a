namespace Parley.Media.Codecs;

/// <summary>
/// Reads the dependency descriptor RTP header extension (AV1 RTP specification, Appendix A): the mandatory fields, the
/// extended fields with a template dependency structure when the packet brings one, and the frame's layers, decode
/// target indications and frame differences from its template (or its custom values). A descriptor without a structure
/// is read against the last one received. Pure functions over spans; nothing allocates.
/// </summary>
internal static class Av1DependencyDescriptorReader
{
    private const int MandatoryBytes = 3;

    /// <summary>
    /// Reads <paramref name="data"/>. A structure it carries is read into <paramref name="scratch"/> (which the caller
    /// then keeps as the current structure); otherwise the frame is read against <paramref name="current"/>. False when
    /// the descriptor is truncated or malformed, or names a template no structure has.
    /// </summary>
    public static bool TryRead(
        ReadOnlySpan<byte> data, Av1DependencyStructure? current, Av1DependencyStructure scratch, out Av1DependencyDescriptor descriptor)
    {
        descriptor = default;
        if (data.Length < MandatoryBytes)
        {
            return false;
        }

        var bits = new BitReader(data);
        var startOfFrame = bits.ReadFlag();
        var endOfFrame = bits.ReadFlag();
        var templateId = (int)bits.Read(6);
        var frameNumber = (int)bits.Read(16);
        bool hasStructure = false, activePresent = false, customDtis = false, customFdiffs = false, customChains = false;
        uint activeDecodeTargets = 0;
        var structure = current;
        if (data.Length > MandatoryBytes)
        {
            hasStructure = bits.ReadFlag();
            activePresent = bits.ReadFlag();
            customDtis = bits.ReadFlag();
            customFdiffs = bits.ReadFlag();
            customChains = bits.ReadFlag();
            if (hasStructure)
            {
                if (!TryReadStructure(ref bits, scratch))
                {
                    return false;
                }

                structure = scratch;
                activeDecodeTargets = AllTargets(scratch.DecodeTargetCount);
            }

            if (activePresent)
            {
                if (structure is null)
                {
                    return false;
                }

                activeDecodeTargets = bits.Read(structure.DecodeTargetCount);
            }
        }

        if (structure is null || !bits.Ok)
        {
            return false;
        }

        var template = (templateId + 64 - structure.TemplateIdOffset) % 64;
        if (template >= structure.TemplateCount)
        {
            return false;
        }

        var definitionStart = bits.Position;
        var dtis = structure.TemplateDtis[template];
        if (customDtis)
        {
            dtis = 0;
            for (var target = 0; target < structure.DecodeTargetCount; target++)
            {
                dtis |= (ulong)bits.Read(2) << (2 * target);
            }
        }

        int fdiffCount = 0;
        ulong fdiffs = 0;
        if (customFdiffs)
        {
            for (var size = bits.Read(2); size != 0 && bits.Ok; size = bits.Read(2))
            {
                var fdiff = bits.Read(4 * (int)size) + 1;
                if (fdiffCount < Av1DependencyDescriptor.MaxFdiffsKept)
                {
                    fdiffs |= (ulong)fdiff << (16 * fdiffCount);
                }

                fdiffCount++;
            }
        }
        else
        {
            fdiffCount = structure.TemplateFdiffCount[template];
            for (var i = 0; i < Math.Min(fdiffCount, Av1DependencyDescriptor.MaxFdiffsKept); i++)
            {
                fdiffs |= (ulong)structure.TemplateFdiff(template, i) << (16 * i);
            }
        }

        if (customChains)
        {
            bits.Read(8 * structure.ChainCount);
        }

        if (!bits.Ok)
        {
            return false;
        }

        descriptor = new Av1DependencyDescriptor(
            startOfFrame, endOfFrame, templateId, frameNumber, data.Length > MandatoryBytes, hasStructure, activePresent,
            activeDecodeTargets, customDtis, customFdiffs, customChains, structure.TemplateSpatial[template],
            structure.TemplateTemporal[template], dtis, fdiffCount, fdiffs, definitionStart, bits.Position - definitionStart);
        return true;
    }

    internal static uint AllTargets(int count) => count >= 32 ? uint.MaxValue : (1u << count) - 1;

    private static bool TryReadStructure(ref BitReader bits, Av1DependencyStructure structure)
    {
        structure.TemplateIdOffset = (int)bits.Read(6);
        var targets = (int)bits.Read(5) + 1;
        structure.DecodeTargetCount = targets;

        // template_layers(): each template's layers follow from the previous one's by next_layer_idc.
        int templates = 0, spatial = 0, temporal = 0;
        uint next;
        do
        {
            if (templates == Av1DependencyStructure.MaxTemplates)
            {
                return false;
            }

            structure.TemplateSpatial[templates] = (byte)spatial;
            structure.TemplateTemporal[templates] = (byte)temporal;
            templates++;
            next = bits.Read(2);
            if (next == 1)
            {
                temporal++;
            }
            else if (next == 2)
            {
                temporal = 0;
                spatial++;
            }
        }
        while (next != 3 && bits.Ok);

        if (spatial >= Av1DependencyStructure.MaxSpatialLayers)
        {
            return false;
        }

        structure.TemplateCount = templates;
        structure.MaxSpatialId = spatial;
        for (var t = 0; t < templates; t++)
        {
            ulong dtis = 0;
            for (var target = 0; target < targets; target++)
            {
                dtis |= (ulong)bits.Read(2) << (2 * target);
            }

            structure.TemplateDtis[t] = dtis;
        }

        for (var t = 0; t < templates; t++)
        {
            var count = 0;
            while (bits.ReadFlag())
            {
                if (count == Av1DependencyStructure.MaxFdiffsPerTemplate)
                {
                    return false;
                }

                structure.TemplateFdiffs[(t * Av1DependencyStructure.MaxFdiffsPerTemplate) + count++] = (byte)(bits.Read(4) + 1);
            }

            structure.TemplateFdiffCount[t] = (byte)count;
        }

        var chains = (int)bits.ReadNonSymmetric((uint)targets + 1);
        structure.ChainCount = chains;
        if (chains > 0)
        {
            for (var target = 0; target < targets; target++)
            {
                structure.ProtectedBy[target] = (byte)bits.ReadNonSymmetric((uint)chains);
            }

            for (var t = 0; t < templates; t++)
            {
                for (var chain = 0; chain < chains; chain++)
                {
                    structure.TemplateChainFdiffs[(t * Av1DependencyStructure.MaxDecodeTargets) + chain] = (byte)bits.Read(4);
                }
            }
        }

        // decode_target_layers(): a decode target's layers are the highest of the templates present in it.
        for (var target = 0; target < targets; target++)
        {
            int targetSpatial = 0, targetTemporal = 0;
            for (var t = 0; t < templates; t++)
            {
                if (((structure.TemplateDtis[t] >> (2 * target)) & 3) != 0)
                {
                    targetSpatial = Math.Max(targetSpatial, structure.TemplateSpatial[t]);
                    targetTemporal = Math.Max(targetTemporal, structure.TemplateTemporal[t]);
                }
            }

            structure.TargetSpatial[target] = (byte)targetSpatial;
            structure.TargetTemporal[target] = (byte)targetTemporal;
        }

        structure.HasResolutions = bits.ReadFlag();
        if (structure.HasResolutions)
        {
            for (var s = 0; s <= spatial; s++)
            {
                structure.RenderWidths[s] = (ushort)bits.Read(16);
                structure.RenderHeights[s] = (ushort)bits.Read(16);
            }
        }

        return bits.Ok;
    }
}

/// <summary>
/// One packet's dependency descriptor, read against the template structure: the frame's layers, its decode target
/// indications (2 bits per decode target in <see cref="Dtis"/>), its frame differences (the first four, 16 bits each
/// in <see cref="Fdiffs"/>), and where its frame dependency definition is in the descriptor's bits (which a rewrite
/// copies as it is).
/// </summary>
internal readonly record struct Av1DependencyDescriptor(
    bool StartOfFrame,
    bool EndOfFrame,
    int TemplateId,
    int FrameNumber,
    bool HasExtendedFields,
    bool HasStructure,
    bool HasActiveDecodeTargets,
    uint ActiveDecodeTargets,
    bool CustomDtis,
    bool CustomFdiffs,
    bool CustomChains,
    int SpatialId,
    int TemporalId,
    ulong Dtis,
    int FdiffCount,
    ulong Fdiffs,
    int DefinitionBitOffset,
    int DefinitionBitLength)
{
    /// <summary>How many frame differences <see cref="Fdiffs"/> keeps.</summary>
    public const int MaxFdiffsKept = 4;

    /// <summary>The frame's indication for decode target <paramref name="target"/>.</summary>
    public DecodeTargetIndication Dti(int target) => (DecodeTargetIndication)((Dtis >> (2 * target)) & 3);

    /// <summary>The <paramref name="index"/>th frame difference (index below <see cref="MaxFdiffsKept"/>).</summary>
    public int Fdiff(int index) => (int)((Fdiffs >> (16 * index)) & 0xFFFF);
}
