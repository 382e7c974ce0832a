namespace Parley.Media.Allocation;

/// <summary>
/// A video consumer as the allocator sees it: its priority, the highest layer its client wants, the producer's
/// layer costs, and the layer the allocator gave it (the one to forward; <see cref="VideoLayer.None"/> = paused).
/// </summary>
internal sealed class AllocatedConsumer
{
    public AllocatedConsumer(long id, LayerBitrates layers, ConsumerPriority priority)
    {
        Id = id;
        Layers = layers;
        Priority = priority;
        PreferredMax = new VideoLayer(layers.SpatialLayers - 1, layers.TemporalLayers - 1);
    }

    public long Id { get; }

    public LayerBitrates Layers { get; }

    public ConsumerPriority Priority { get; set; }

    /// <summary>The highest layer the client asked for (its tile size).</summary>
    public VideoLayer PreferredMax { get; set; }

    /// <summary>The layer allocated at the last run.</summary>
    public VideoLayer Current { get; internal set; } = VideoLayer.None;

    /// <summary>The layer before the last change.</summary>
    public VideoLayer Previous { get; internal set; } = VideoLayer.None;

    /// <summary>True when the last run changed <see cref="Current"/>.</summary>
    public bool Changed { get; internal set; }

    public bool Paused => Current.IsNone;

    /// <summary>When <see cref="Current"/> last changed (for the hold time).</summary>
    internal long LastChange { get; set; } = long.MinValue;

    /// <summary>When <see cref="Current"/> last went up (a resume included).</summary>
    internal long LastUpgrade { get; set; } = long.MinValue;

    /// <summary>How long a layer is held before an upgrade now; 0 until the allocator sets its minimum.</summary>
    internal long Hold { get; set; }

    /// <summary>What was available to the consumer when the last upgrade was decided.</summary>
    internal long UpgradeAvailable { get; set; }

    /// <summary>What the layer the last upgrade chose cost then; 0 when that upgrade started from no layer (a first layer, a resume).</summary>
    internal long UpgradeCost { get; set; }

    /// <summary>What was available when the upgrade that lengthened <see cref="Hold"/> was decided; 0 when none did.</summary>
    internal long FailedUpgradeAvailable { get; set; }

    /// <summary>What was available to the consumer in the last run, for its layer and any step up.</summary>
    internal long TentativeAvailable { get; set; }

    /// <summary>Since when the layer kept costs more than is left for it (within the tolerance); long.MinValue when it fits.</summary>
    internal long DeficitSince { get; set; } = long.MinValue;

    /// <summary>Registration order, to keep equal priorities stable.</summary>
    internal long Order { get; set; }

    internal VideoLayer Tentative { get; set; }
}
