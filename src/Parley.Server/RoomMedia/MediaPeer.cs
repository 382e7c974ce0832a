namespace Parley.Server.RoomMedia;

/// <summary>One signaling connection joined to a room: the unit that owns transports, producers and consumers.</summary>
internal readonly record struct MediaPeer(string RoomId, string UserId, string ConnectionId);
