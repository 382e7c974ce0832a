namespace Parley.Server.Webhooks;

/// <summary>The event types a webhook can ask for.</summary>
internal static class WebhookEventTypes
{
    public const string MeetingStarted = "meeting.started";
    public const string MeetingEnded = "meeting.ended";
    public const string ParticipantJoined = "participant.joined";
    public const string ParticipantLeft = "participant.left";

    /// <summary>A recording was composed (raised by the recording service).</summary>
    public const string RecordingReady = "recording.ready";

    public static readonly IReadOnlyList<string> All = [MeetingStarted, MeetingEnded, ParticipantJoined, ParticipantLeft, RecordingReady];
}
