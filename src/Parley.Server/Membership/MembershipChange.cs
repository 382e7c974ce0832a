namespace Parley.Server.Membership;

/// <summary>
/// A change of who is in a room, as <see cref="ConnectionRegistry"/> (the authority) made it; the stores derived from
/// membership follow these (see <see cref="MembershipProjector"/>). Waiting at the door is not membership: it has no
/// group, no media and no row.
/// </summary>
internal abstract record MembershipChange(string RoomId);

/// <summary>The connection took the user's place in the room.</summary>
internal sealed record MemberJoined(string RoomId, string ConnectionId, string UserId) : MembershipChange(RoomId);

/// <summary>The connection lost its place in the room: it left, was removed, replaced by a newer one, or the room closed.</summary>
internal sealed record MemberLeft(string RoomId, string ConnectionId, string UserId) : MembershipChange(RoomId)
{
    /// <summary>
    /// The connection had closed (or was closing) by then. SignalR takes a closed connection out of its groups itself;
    /// asking it to again would, with the Redis backplane, wait 30 s for an answer from a node that has it, which no
    /// node does (a place held by the reconnect grace, emptied by a stop or at the end of the grace).
    /// </summary>
    public bool Closed { get; init; }
}

/// <summary>Nobody is in the room or at its door any more.</summary>
internal sealed record RoomVacated(string RoomId) : MembershipChange(RoomId);
