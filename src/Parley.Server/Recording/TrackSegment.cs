namespace Parley.Server.Recording;

/// <summary>
/// One continuous piece of a recorded track: one ffmpeg's file. A track has several when its ffmpeg crashed and was
/// restarted (the time between them is the gap). Kept in the recording's manifest.
/// </summary>
/// <param name="FileName">The file inside the recording's folder.</param>
/// <param name="Kind">"audio" or "video".</param>
/// <param name="Source">The producer's source: mic, cam, screen or screenAudio.</param>
/// <param name="UserId">Whose track it is.</param>
/// <param name="ProducerId">The producer recorded.</param>
/// <param name="Codec">The codec copied, e.g. VP8.</param>
/// <param name="OffsetSeconds">Where it starts on the meeting's timeline (seconds after the recording started).</param>
internal sealed record TrackSegment(
    string FileName, string Kind, string Source, string UserId, string ProducerId, string Codec, double OffsetSeconds)
{
    public bool IsVideo => Kind == "video";

    public bool IsScreen => Source == "screen";
}

/// <summary>The manifest of a recording (<c>manifest.json</c> in its folder): every segment started, and the gaps.</summary>
internal sealed record RecordingManifest(string RecordingId, string RoomId, DateTime StartedAt, List<TrackSegment> Segments, List<TrackGap> Gaps);

/// <summary>A time a track was not recorded (its ffmpeg crashed until the restart).</summary>
internal sealed record TrackGap(string ProducerId, double FromSeconds, double ToSeconds, string Reason);
