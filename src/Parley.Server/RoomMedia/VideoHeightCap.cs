using Parley.Media.Ortc;

namespace Parley.Server.RoomMedia;

/// <summary>
/// The room setting <c>maxVideoHeight</c> as a simulcast spatial layer. The server does not see the picture's size,
/// so it takes the top layer to be the size the web client captures (<see cref="AssumedCameraHeight"/>; a screen
/// <see cref="AssumedScreenHeight"/>) and each layer that divided by its <c>scaleResolutionDownBy</c> (the browser's
/// default 2^(n-1-i) when absent).
/// </summary>
internal static class VideoHeightCap
{
    /// <summary>The web client asks the camera for 1280×720.</summary>
    public const int AssumedCameraHeight = 720;

    public const int AssumedScreenHeight = 1080;

    /// <summary>
    /// The highest spatial layer whose height fits <paramref name="maxVideoHeight"/> (the lowest layer when none
    /// does), or null when nothing is capped: no cap set, or a producer without simulcast layers.
    /// </summary>
    public static int? SpatialCap(ProducerEntry producer, int? maxVideoHeight)
    {
        var encodings = producer.Producer.RtpParameters.Encodings;
        if (maxVideoHeight is not { } max || producer.Producer.Kind != MediaKind.Video || encodings.Count < 2)
        {
            return null;
        }

        double top = producer.Source == MediaSource.Screen ? AssumedScreenHeight : AssumedCameraHeight;
        var cap = 0;
        for (var i = 0; i < encodings.Count; i++)
        {
            var scale = encodings[i].ScaleResolutionDownBy ?? Math.Pow(2, encodings.Count - 1 - i);
            if (top / scale <= max)
            {
                cap = i;
            }
        }

        return cap;
    }
}
