namespace Parley.Data.Entities;

/// <summary>
/// A room's settings (the contract's <c>room.settings</c>), stored as one JSON column. A field missing from the
/// stored JSON (a room created before the field existed) reads as its default.
/// </summary>
public sealed record RoomSettings
{
    /// <summary>Nobody but the hosts gets in, not even into the waiting room.</summary>
    public bool Locked { get; init; }

    /// <summary>A participant's first microphone producer after joining starts paused.</summary>
    public bool MuteOnEntry { get; init; }

    /// <summary>A participant's first camera producer after joining starts paused.</summary>
    public bool CamOffOnEntry { get; init; }

    /// <summary><see cref="RoomAudience.Everyone"/> or <see cref="RoomAudience.Hosts"/>.</summary>
    public string WhoCanShareScreen { get; init; } = RoomAudience.Everyone;

    /// <summary><see cref="RoomAudience.Everyone"/> or <see cref="RoomAudience.Hosts"/>: who may resume a mic a host (or muteOnEntry) paused.</summary>
    public string WhoCanUnmute { get; init; } = RoomAudience.Everyone;

    public bool ChatEnabled { get; init; } = true;

    /// <summary>False makes the room audio-only: video producers are refused.</summary>
    public bool VideoEnabled { get; init; } = true;

    /// <summary>How many may be joined at once, hosts included; null for no limit.</summary>
    public int? MaxParticipants { get; init; }

    /// <summary>The tallest video forwarded to any consumer (180, 360, 720 or 1080); null for no cap.</summary>
    public int? MaxVideoHeight { get; init; }

    /// <summary>The role of everyone who joins and is not a host: <see cref="RoomRoles.Participant"/> or <see cref="RoomRoles.Viewer"/>.</summary>
    public string DefaultRole { get; init; } = RoomRoles.Participant;
}

/// <summary>The values of <see cref="RoomSettings.WhoCanShareScreen"/> and <see cref="RoomSettings.WhoCanUnmute"/>.</summary>
public static class RoomAudience
{
    public const string Everyone = "everyone";
    public const string Hosts = "hosts";
}
