using System.Text.Json.Serialization;

namespace Parley.Media.Ortc;

/// <summary>The kind of media a codec, header extension or producer carries; serialized as <c>"audio"</c> or <c>"video"</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MediaKind>))]
public enum MediaKind
{
    /// <summary>Audio media.</summary>
    [JsonStringEnumMemberName("audio")]
    Audio,

    /// <summary>Video media.</summary>
    [JsonStringEnumMemberName("video")]
    Video,
}
