namespace Parley.Server.Rooms;

/// <summary>Why a room operation did or did not happen.</summary>
public enum RoomOutcomeStatus
{
    Ok,

    /// <summary>No such room.</summary>
    NotFound,

    /// <summary>The caller may not do this (a guest creating, a non-owner changing).</summary>
    Forbidden,

    /// <summary>The caller's account no longer exists.</summary>
    UnknownUser,
}

/// <summary>A room operation's status and, when <see cref="RoomOutcomeStatus.Ok"/>, its room.</summary>
public readonly record struct RoomOutcome(RoomOutcomeStatus Status, Parley.Data.Entities.Room? Room = null)
{
    public static RoomOutcome Ok(Parley.Data.Entities.Room room) => new(RoomOutcomeStatus.Ok, room);

    public static readonly RoomOutcome NotFound = new(RoomOutcomeStatus.NotFound);

    public static readonly RoomOutcome Forbidden = new(RoomOutcomeStatus.Forbidden);

    public static readonly RoomOutcome UnknownUser = new(RoomOutcomeStatus.UnknownUser);
}
