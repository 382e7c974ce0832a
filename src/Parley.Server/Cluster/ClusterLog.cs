namespace Parley.Server.Cluster;

/// <summary>Several-node log messages (event ids 3800-3899); docs/scaling.md lists them.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(3800, LogLevel.Information, "Node {NodeId} joined the cluster at {PublicUrl}")]
    public static partial void NodeStarted(ILogger logger, string nodeId, string publicUrl);

    [LoggerMessage(3801, LogLevel.Information, "Node {NodeId} left the cluster and released its rooms")]
    public static partial void NodeLeft(ILogger logger, string nodeId);

    [LoggerMessage(3802, LogLevel.Warning, "Cluster heartbeat failed ({Error}: {Message}); retrying")]
    public static partial void HeartbeatFailed(ILogger logger, string error, string message);

    [LoggerMessage(3803, LogLevel.Information, "Room {RoomId} placed on node {NodeId} (previous holder: {PreviousNodeId})")]
    public static partial void RoomPlaced(ILogger logger, string roomId, string nodeId, string? previousNodeId);

    [LoggerMessage(3804, LogLevel.Debug, "Room {RoomId} released: nobody is in it")]
    public static partial void LeaseReleased(ILogger logger, string roomId);

    [LoggerMessage(3805, LogLevel.Warning, "Room {RoomId} has people here but node {HolderId} holds its lease (this node was thought dead): moving them there")]
    public static partial void LeaseLost(ILogger logger, string roomId, string holderId);

    [LoggerMessage(3806, LogLevel.Information, "Node {NodeId} is dead (heartbeat expired): its {Count} room_user row(s) deleted here or by their rooms' nodes")]
    public static partial void DeadNodeSwept(ILogger logger, string nodeId, int count);

    [LoggerMessage(3807, LogLevel.Debug, "Forwarded {Kind} of room {RoomId} to node {NodeId}")]
    public static partial void CommandForwarded(ILogger logger, string kind, string roomId, string nodeId);

    [LoggerMessage(3808, LogLevel.Warning, "Dropped a room command from another node: {Reason}")]
    public static partial void CommandDropped(ILogger logger, string reason);

    [LoggerMessage(3809, LogLevel.Warning, "This node's heartbeat was gone from Redis (restarted, or this node stalled): heartbeat and leases re-written, dead-node sweep held off for {Seconds} s")]
    public static partial void RegistryLost(ILogger logger, double seconds);

    [LoggerMessage(3810, LogLevel.Information, "Node {NodeId} is draining (operator): it takes no new rooms; {People} people in {Rooms} room(s) stay until they leave")]
    public static partial void DrainStarted(ILogger logger, string nodeId, int people, int rooms);

    [LoggerMessage(3811, LogLevel.Information, "Node {NodeId} takes new rooms again (operator cancelled the drain)")]
    public static partial void DrainCancelled(ILogger logger, string nodeId);

    [LoggerMessage(3812, LogLevel.Information, "Node {NodeId} is drained: nobody is left and it holds no room, {Seconds:0} s after the drain began; it can be stopped")]
    public static partial void Drained(ILogger logger, string nodeId, double seconds);

    [LoggerMessage(3813, LogLevel.Information, "Operator call refused: {Reason}")]
    public static partial void OperatorRefused(ILogger logger, string reason);

    [LoggerMessage(3814, LogLevel.Information, "Node {NodeId} will move the meetings still on it to other nodes in {Seconds:0} s (operator)")]
    public static partial void MoveScheduled(ILogger logger, string nodeId, double seconds);

    [LoggerMessage(3815, LogLevel.Information, "Node {NodeId} moved its meetings: removed {MemberCount} participants from {RoomCount} rooms, released their leases and told {ConnectionCount} connections to reconnect")]
    public static partial void MeetingsMoved(ILogger logger, string nodeId, int memberCount, int roomCount, int connectionCount);

    [LoggerMessage(3816, LogLevel.Warning, "Node {NodeId} could not move its meetings ({Error}: {Message}); the rest go as they empty")]
    public static partial void MoveFailed(ILogger logger, string nodeId, string error, string message);

    [LoggerMessage(3817, LogLevel.Information, "Room {RoomId} moved to node {HolderId}, which holds its lease: told {ConnectionCount} connection(s) here to reconnect")]
    public static partial void SplitRoomMoved(ILogger logger, string roomId, string holderId, int connectionCount);

    [LoggerMessage(3818, LogLevel.Warning, "Could not move room {RoomId} to the node holding its lease ({Error}: {Message}); retrying at the next heartbeat")]
    public static partial void SplitRoomMoveFailed(ILogger logger, string roomId, string error, string message);
}
