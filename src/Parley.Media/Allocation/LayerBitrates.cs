namespace Parley.Media.Allocation;

/// <summary>
/// What forwarding each layer of a producer costs, in bits per second, as measured on its incoming streams: the
/// entry for (s, t) is the rate of spatial layer s with temporal layers 0..t (what a consumer at that layer gets).
/// 0 marks a layer that is not being received (a paused simulcast encoding, a layer the sender dropped).
/// </summary>
internal sealed class LayerBitrates
{
    /// <summary>What a layer that is received but not yet measured costs: a start, not a free ride (0 would mean not received).</summary>
    public const long Unmeasured = 1;

    private readonly long[] _bitrates;
    private readonly long[] _keyFrameBits;

    public LayerBitrates(int spatialLayers, int temporalLayers)
    {
        if (spatialLayers <= 0 || temporalLayers <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(spatialLayers));
        }

        SpatialLayers = spatialLayers;
        TemporalLayers = temporalLayers;
        _bitrates = new long[spatialLayers * temporalLayers];
        _keyFrameBits = new long[spatialLayers];
    }

    public int SpatialLayers { get; }

    public int TemporalLayers { get; }

    public long this[int spatial, int temporal]
    {
        get => _bitrates[(spatial * TemporalLayers) + temporal];
        set => _bitrates[(spatial * TemporalLayers) + temporal] = Math.Max(0, value);
    }

    public long this[VideoLayer layer] => layer.IsNone ? 0 : this[layer.Spatial, layer.Temporal];

    /// <summary>
    /// The size of spatial layer <paramref name="spatial"/>'s last keyframe in bits; 0 when unknown (the allocator then
    /// weighs its rate alone).
    /// </summary>
    public long GetKeyFrameBits(int spatial) => _keyFrameBits[spatial];

    public void SetKeyFrameBits(int spatial, long bits) => _keyFrameBits[spatial] = Math.Max(0, bits);
}
