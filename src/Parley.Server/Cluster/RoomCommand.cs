using Parley.Server.Rooms;

namespace Parley.Server.Cluster;

/// <summary>
/// A change made over HTTP on one node for a room that another node holds, sent to that node: <c>roomClosed</c>
/// (deleted; <see cref="Room"/> null) or <c>roomUpdated</c> (with the room as it is now).
/// </summary>
internal sealed record RoomCommand(string Kind, string RoomId, RoomDto? Room)
{
    public const string Closed = "roomClosed";
    public const string Updated = "roomUpdated";
}
