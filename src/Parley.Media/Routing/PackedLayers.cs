namespace Parley.Media.Routing;

/// <summary>
/// A layered consumer's spatial and temporal layer in one int (spatial &lt;&lt; 8 | temporal, <see cref="None"/> for
/// none), so that a reader on another thread sees both from one write; and the range check of a preference.
/// </summary>
internal static class PackedLayers
{
    public const int None = -1;

    public static int Pack(int spatial, int temporal) => (spatial << 8) | temporal;

    public static ConsumerLayers? Unpack(int packed) => packed == None ? null : new ConsumerLayers(packed >> 8, packed & 0xFF);

    /// <exception cref="ArgumentOutOfRangeException">A layer beyond what the producer sends.</exception>
    public static void ThrowIfBeyond(int spatialLayer, int spatialLayers, int? temporalLayer, int temporalLayers)
    {
        if (spatialLayer >= spatialLayers)
        {
            throw new ArgumentOutOfRangeException(
                nameof(spatialLayer), spatialLayer, $"The producer has {spatialLayers} spatial layers (0 to {spatialLayers - 1}).");
        }

        if (temporalLayer >= temporalLayers)
        {
            throw new ArgumentOutOfRangeException(
                nameof(temporalLayer), temporalLayer, $"The producer has {temporalLayers} temporal layers (0 to {temporalLayers - 1}).");
        }
    }
}
