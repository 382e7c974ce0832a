using Parley.Server.RoomMedia;
using Parley.Server.Rooms;

namespace Parley.Server.Membership;

/// <summary>
/// The database side of room membership: <c>room</c>, <c>room_user</c> and user names. Each call is one
/// transaction; the caller holds the room's lock, which is what keeps a room's rows consistent.
/// </summary>
internal interface IMembershipStore
{
    Task<RoomRecord?> FindRoomAsync(string roomId, CancellationToken cancellationToken);

    Task<string?> FindUserNameAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the user's <c>room_user</c> row, or refreshes it (role, cleared media flags) when one exists.
    /// Throws <see cref="RoomGoneException"/> when the room was deleted meanwhile.
    /// </summary>
    Task UpsertMemberAsync(string roomId, string userId, string role, CancellationToken cancellationToken);

    Task<RoomUserDto?> FindMemberAsync(string roomId, string userId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RoomUserDto>> ListMembersAsync(string roomId, CancellationToken cancellationToken);

    Task<RoomUserDto?> SetFlagsAsync(string roomId, string userId, MediaFlags flags, CancellationToken cancellationToken);

    /// <summary>Every <c>room_user</c> row of this node's connections (for the reconciler; every row when it is the only node).</summary>
    Task<IReadOnlyList<StoredMember>> ListAllMembersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the user's row; with <paramref name="revokeAccess"/> also takes them out of <c>room.users</c>.
    /// False when there was no row.
    /// </summary>
    Task<bool> RemoveMemberAsync(string roomId, string userId, bool revokeAccess, CancellationToken cancellationToken);

    /// <summary>Adds the user to <c>room.users</c>; false when the room is gone.</summary>
    Task<bool> GrantAccessAsync(string roomId, string userId, CancellationToken cancellationToken);

    Task RemoveAllMembersAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>Deletes the room's rows of this node's connections (another node's people in it keep theirs).</summary>
    Task RemoveMembersHereAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the member's role; naming or unnaming a co-host also changes <c>room.co_host_ids</c> in the same
    /// transaction. Null when the member or the room is gone.
    /// </summary>
    Task<RoomUserDto?> SetRoleAsync(string roomId, string userId, string role, CancellationToken cancellationToken);

    /// <summary>Raises (a time) or lowers (null) the member's hand; null when there is no row.</summary>
    Task<RoomUserDto?> SetHandAsync(string roomId, string userId, DateTime? raisedAt, CancellationToken cancellationToken);
}

/// <summary>A <c>room_user</c> row as the reconciler compares it with the live state.</summary>
internal readonly record struct StoredMember(string RoomId, string UserId, MediaFlags Flags);

/// <summary>The room disappeared between being found and being written to (deleted over HTTP meanwhile).</summary>
internal sealed class RoomGoneException(string roomId) : Exception($"Room {roomId} was deleted.");
