namespace Parley.Media.Routing;

/// <content>
/// Layers, in mediasoup's API shape: every consumer answers, but only a consumer of a layered producer
/// (<see cref="SimulcastConsumer"/>, <see cref="SvcConsumer"/>) has layers to choose; the others report none and ignore a preference.
/// </content>
public abstract partial class Consumer
{
    /// <summary>
    /// Raised (on a thread-pool thread, one event at a time, in order) when a simulcast consumer starts forwarding
    /// another layer, spatial or temporal, with the layers now forwarded, or null when it forwards nothing (every stream
    /// stopped); mediasoup's <c>layerschange</c>.
    /// </summary>
    public event EventHandler<ConsumerLayers?>? LayersChanged;

    /// <summary>
    /// The layers a simulcast consumer forwards now; null when it forwards nothing, or is not simulcast. The temporal
    /// layer is the one forwarded for VP8 (the preferred one once the stream allows the switch), the encoding's top
    /// layer for other codecs, which are not filtered by temporal layer.
    /// </summary>
    public virtual ConsumerLayers? CurrentLayers => null;

    /// <summary>The layers a simulcast consumer aims for (default: the highest); null when it is not simulcast.</summary>
    public virtual ConsumerLayers? PreferredLayers => null;

    /// <summary>
    /// Sets the highest layers a simulcast consumer should forward. The consumer switches at the next keyframe of the
    /// stream it then chooses (which it requests). The temporal layer applies to VP8 only: down at the next picture, up
    /// at the next picture that allows it (a keyframe, a base-layer picture, a layer sync picture); other codecs forward
    /// every temporal layer. A consumer of another type has no layers to choose and ignores it.
    /// </summary>
    /// <param name="spatialLayer">The highest spatial layer (encoding index) wanted.</param>
    /// <param name="temporalLayer">The highest temporal layer wanted; the highest there is when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A layer is negative or beyond the producer's encodings.</exception>
    public Task SetPreferredLayersAsync(int spatialLayer, int? temporalLayer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(spatialLayer);
        if (temporalLayer is { } temporal)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(temporal, nameof(temporalLayer));
        }

        return SetPreferredLayersCore(spatialLayer, temporalLayer);
    }

    /// <summary>
    /// The highest spatial layer (encoding index) of its producer this consumer may forward, for the producer's choice of
    /// encodings to keep (<see cref="Producer.EncodingsWanted"/>); -1 when it needs none (paused, closed, or not layered).
    /// Worker thread.
    /// </summary>
    internal virtual int WantedSpatialLayer => -1;

    /// <summary>What a kind of consumer does with a layer preference (checked non-negative): nothing, unless it has layers.</summary>
    private protected virtual Task SetPreferredLayersCore(int spatialLayer, int? temporalLayer) => Task.CompletedTask;

    /// <summary>Tells the application (off the worker thread, in order) which layers are forwarded now.</summary>
    private protected void RaiseLayersChanged(ConsumerLayers? layers) => Worker.RaiseEvent(LayersChanged, this, layers);
}
