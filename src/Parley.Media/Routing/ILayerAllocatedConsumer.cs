using Parley.Media.Allocation;

namespace Parley.Media.Routing;

/// <summary>
/// A consumer whose layers the transport's bitrate allocation chooses (<see cref="SimulcastConsumer"/>,
/// <see cref="SvcConsumer"/>): it tells its layer grid, what each layer costs and its preference, and forwards the
/// lower of its preference and the layer allocated. Worker thread only; nothing allocates.
/// </summary>
internal interface ILayerAllocatedConsumer
{
    /// <summary>The spatial layers the allocation chooses among.</summary>
    int SpatialLayerCount { get; }

    /// <summary>The temporal layers the allocation chooses among (1 when the consumer forwards every temporal layer).</summary>
    int TemporalLayerCount { get; }

    /// <summary>The highest layer the client asked for, within the grid.</summary>
    VideoLayer PreferredLayer { get; }

    /// <summary>
    /// Writes what each layer of the grid costs now (0: not received) into <paramref name="costs"/>; false when nothing
    /// of the producer is received (no bandwidth decision can be made yet).
    /// </summary>
    bool MeasureLayerCosts(LayerBitrates costs, long nowMs, int inactivityMs);

    /// <summary>
    /// The layer the bandwidth allows: the consumer forwards the lower of it and its preference; <see cref="VideoLayer.None"/>
    /// stops forwarding (layers reported null) until a layer is allocated again; null lifts the limit.
    /// </summary>
    void SetAllocatedLayer(VideoLayer? layer);
}
