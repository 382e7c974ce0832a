using Parley.Server.Rooms;

namespace Parley.Server.Cluster;

/// <summary>
/// A change made on one node for a room that another node holds, sent to that node: <c>roomClosed</c> (deleted over
/// HTTP; <see cref="Room"/> null), <c>roomUpdated</c> (with the room as it is now), or <c>deadMemberSwept</c> (the
/// dead-node sweep found <see cref="UserId"/>'s row naming the dead node <see cref="NodeId"/>: the room's node deletes
/// it and tells the room, in order with its own joins).
/// </summary>
internal sealed record RoomCommand(string Kind, string RoomId, RoomDto? Room, string? UserId = null, string? NodeId = null)
{
    public const string Closed = "roomClosed";
    public const string Updated = "roomUpdated";
    public const string DeadMemberSwept = "deadMemberSwept";
}
