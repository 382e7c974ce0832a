using System.Text.Json;
using Parley.Data.Entities;

namespace Parley.Server.Rooms;

/// <summary>The contract's <c>room</c> object.</summary>
public sealed record RoomDto(
    string Id,
    string Name,
    string JoinCode,
    string OwnerId,
    bool RequireAccessBeforeJoining,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyList<string> CoHostIds,
    RoomSettings Settings)
{
    public static RoomDto From(Room room) => new(
        room.Id, room.Name, room.JoinCode, room.OwnerId, room.RequireAccessBeforeJoining, room.CreatedAt, room.UpdatedAt,
        room.CoHostIds.ToList(), room.Settings);

    /// <summary>The owner and the co-hosts.</summary>
    public bool IsHost(string userId) => OwnerId == userId || CoHostIds.Contains(userId);

    /// <summary>The role someone joining gets: host (owner), co-host, or the room's default role.</summary>
    public string RoleOf(string userId) =>
        OwnerId == userId ? RoomRoles.Host : CoHostIds.Contains(userId) ? RoomRoles.CoHost : Settings.DefaultRole;
}

/// <summary>The contract's <c>roomUser</c> object: a <c>room_user</c> row with the user's display name.</summary>
public sealed record RoomUserDto(
    string Id,
    string RoomId,
    string UserId,
    string Name,
    string Role,
    bool IsMicActive,
    bool IsCamActive,
    bool IsShareScreen,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? HandRaisedAt)
{
    public static RoomUserDto From(RoomUser roomUser, string name) => new(
        roomUser.Id, roomUser.RoomId, roomUser.UserId, name, roomUser.Role,
        roomUser.IsMicActive, roomUser.IsCamActive, roomUser.IsShareScreen, roomUser.CreatedAt, roomUser.UpdatedAt,
        roomUser.HandRaisedAt);
}

/// <summary><c>{room}</c></summary>
public sealed record RoomResponse(RoomDto Room);

/// <summary><c>{room, users:[roomUser]}</c></summary>
public sealed record RoomWithUsersResponse(RoomDto Room, IReadOnlyList<RoomUserDto> Users);

/// <summary><c>{rooms:[room]}</c></summary>
public sealed record RoomListResponse(IReadOnlyList<RoomDto> Rooms);

/// <summary>Body of <c>POST /api/rooms/create</c>.</summary>
/// <remarks><c>settings</c> is read by <see cref="RoomSettingsPatch"/> and changes the template's (<c>templateId</c>) when one is named.</remarks>
public sealed record CreateRoomRequest(string? Name, bool? RequireAccessBeforeJoining, JsonElement? Settings = null, string? TemplateId = null);

/// <summary>Body of <c>PATCH /api/rooms/{roomId}</c>; absent (or null) fields stay as they are.</summary>
public sealed record UpdateRoomRequest(string? Name, bool? RequireAccessBeforeJoining, JsonElement? Settings = null);
