namespace Parley.Media.Routing;

/// <summary>
/// A simulcast layer pair: <paramref name="SpatialLayer"/> is the encoding's index among the producer's encodings
/// (0 the lowest), <paramref name="TemporalLayer"/> the highest temporal layer of it (0 when it has only one): for VP8 the
/// highest one forwarded or wanted, for codecs not filtered by temporal layer the encoding's top one.
/// </summary>
/// <param name="SpatialLayer">The spatial layer (simulcast encoding index).</param>
/// <param name="TemporalLayer">The temporal layer.</param>
public readonly record struct ConsumerLayers(int SpatialLayer, int TemporalLayer);
