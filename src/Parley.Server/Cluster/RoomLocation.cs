namespace Parley.Server.Cluster;

/// <summary>What the registry says about a room at a join (<see cref="ClusterDirectory.LocateAsync"/>).</summary>
/// <param name="HolderId">The node named by the room's lease, alive or not; null when nobody holds it.</param>
/// <param name="Holder">That node's heartbeat while it is alive; null when the room needs placing.</param>
/// <param name="LiveNodes">When the room needs placing, every live node (empty otherwise).</param>
internal sealed record RoomLocation(string? HolderId, NodeRecord? Holder, IReadOnlyList<NodeRecord> LiveNodes);
