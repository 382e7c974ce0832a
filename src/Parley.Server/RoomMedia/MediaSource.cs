using Parley.Media.Ortc;

namespace Parley.Server.RoomMedia;

/// <summary>What a producer carries, from its <c>appData.source</c>: one producer per source per user.</summary>
internal enum MediaSource
{
    Mic,
    Cam,
    Screen,
    ScreenAudio,
}

internal static class MediaSources
{
    public static bool TryParse(string? value, out MediaSource source)
    {
        (var found, source) = value switch
        {
            "mic" => (true, MediaSource.Mic),
            "cam" => (true, MediaSource.Cam),
            "screen" => (true, MediaSource.Screen),
            "screenAudio" => (true, MediaSource.ScreenAudio),
            _ => (false, default),
        };
        return found;
    }

    public static string Name(this MediaSource source) => source switch
    {
        MediaSource.Mic => "mic",
        MediaSource.Cam => "cam",
        MediaSource.Screen => "screen",
        _ => "screenAudio",
    };

    /// <summary>The media kind a source must carry.</summary>
    public static MediaKind Kind(this MediaSource source) =>
        source is MediaSource.Mic or MediaSource.ScreenAudio ? MediaKind.Audio : MediaKind.Video;
}
