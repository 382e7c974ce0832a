namespace Parley.Media.Codecs;

/// <summary>
/// The template dependency structure of the AV1 RTP specification's dependency descriptor (Appendix A.8.2): the frame
/// templates (each a spatial and temporal layer, a decode target indication per decode target, frame differences and
/// chain differences), which chain protects each decode target, the decode targets' layers and the spatial layers'
/// render resolutions. Filled in place by <see cref="Av1DependencyDescriptorReader"/> (a keyframe brings a new one),
/// so that reading allocates nothing; capacities are the specification's limits.
/// </summary>
internal sealed class Av1DependencyStructure
{
    public const int MaxTemplates = 64;
    public const int MaxDecodeTargets = 32;
    public const int MaxSpatialLayers = 4;
    public const int MaxFdiffsPerTemplate = 16;

    internal readonly byte[] TemplateSpatial = new byte[MaxTemplates];
    internal readonly byte[] TemplateTemporal = new byte[MaxTemplates];
    internal readonly ulong[] TemplateDtis = new ulong[MaxTemplates];
    internal readonly byte[] TemplateFdiffCount = new byte[MaxTemplates];
    internal readonly byte[] TemplateFdiffs = new byte[MaxTemplates * MaxFdiffsPerTemplate];
    internal readonly byte[] TemplateChainFdiffs = new byte[MaxTemplates * MaxDecodeTargets];
    internal readonly byte[] ProtectedBy = new byte[MaxDecodeTargets];
    internal readonly byte[] TargetSpatial = new byte[MaxDecodeTargets];
    internal readonly byte[] TargetTemporal = new byte[MaxDecodeTargets];
    internal readonly ushort[] RenderWidths = new ushort[MaxSpatialLayers];
    internal readonly ushort[] RenderHeights = new ushort[MaxSpatialLayers];

    /// <summary>The frame dependency template ID of template 0 (template IDs wrap at 64).</summary>
    public int TemplateIdOffset { get; internal set; }

    public int DecodeTargetCount { get; internal set; }

    public int TemplateCount { get; internal set; }

    public int ChainCount { get; internal set; }

    public int MaxSpatialId { get; internal set; }

    public bool HasResolutions { get; internal set; }

    /// <summary>The spatial layer of decode target <paramref name="target"/>: the highest of the templates it includes.</summary>
    public int DecodeTargetSpatialId(int target) => TargetSpatial[target];

    /// <summary>The temporal layer of decode target <paramref name="target"/>.</summary>
    public int DecodeTargetTemporalId(int target) => TargetTemporal[target];

    /// <summary>The chain that protects decode target <paramref name="target"/> (meaningless without chains).</summary>
    public int DecodeTargetProtectedBy(int target) => ProtectedBy[target];

    public int TemplateSpatialId(int template) => TemplateSpatial[template];

    public int TemplateTemporalId(int template) => TemplateTemporal[template];

    /// <summary>Template <paramref name="template"/>'s indication for decode target <paramref name="target"/>.</summary>
    public DecodeTargetIndication TemplateDti(int template, int target) => (DecodeTargetIndication)((TemplateDtis[template] >> (2 * target)) & 3);

    public int TemplateFdiffCountOf(int template) => TemplateFdiffCount[template];

    public int TemplateFdiff(int template, int index) => TemplateFdiffs[(template * MaxFdiffsPerTemplate) + index];

    public int TemplateChainFdiff(int template, int chain) => TemplateChainFdiffs[(template * MaxDecodeTargets) + chain];

    public (int Width, int Height) RenderResolution(int spatialId) => (RenderWidths[spatialId] + 1, RenderHeights[spatialId] + 1);

    /// <summary>The decode targets, as a bitmask, whose layers are within <paramref name="spatialId"/> and <paramref name="temporalId"/>.</summary>
    public uint DecodeTargetsWithin(int spatialId, int temporalId)
    {
        uint mask = 0;
        for (var target = 0; target < DecodeTargetCount; target++)
        {
            if (TargetSpatial[target] <= spatialId && TargetTemporal[target] <= temporalId)
            {
                mask |= 1u << target;
            }
        }

        return mask;
    }
}

/// <summary>A frame's relation to a decode target (AV1 RTP specification, table A.1).</summary>
internal enum DecodeTargetIndication : byte
{
    /// <summary>The frame is not in the decode target.</summary>
    NotPresent = 0,

    /// <summary>In it, but no later frame of it depends on this one.</summary>
    Discardable = 1,

    /// <summary>In it, and a receiver may start decoding the decode target here (given the chain is intact).</summary>
    Switch = 2,

    /// <summary>In it, and later frames of it depend on this one.</summary>
    Required = 3,
}
