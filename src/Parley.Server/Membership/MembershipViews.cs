using System.Text.Json.Serialization;
using Parley.Media.Ortc;
using Parley.Server.RoomMedia;

namespace Parley.Server.Membership;

/// <summary>The contract's <c>room</c> as the hub sends it.</summary>
internal sealed record RoomView(
    string Id, string Name, string JoinCode, string? OwnerId, bool RequireAccessBeforeJoining, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>The contract's <c>roomUser</c>: a row of <c>room_user</c> with the user's name.</summary>
internal sealed record RoomUserView(
    string Id,
    string RoomId,
    string UserId,
    string Name,
    string Role,
    bool IsMicActive,
    bool IsCamActive,
    bool IsShareScreen,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    [JsonIgnore]
    public MediaFlags Flags => new(IsMicActive, IsCamActive, IsShareScreen);
}

/// <summary>A room as membership needs it: what the client sees, and who was granted access.</summary>
internal sealed record RoomRecord(RoomView View, IReadOnlyCollection<string> GrantedUserIds)
{
    public string Id => View.Id;

    public bool IsOwner(string userId) => View.OwnerId == userId;

    /// <summary>Whether the user must wait for a host: the room asks for it and they are neither owner nor granted.</summary>
    public bool MustWait(string userId) =>
        View.RequireAccessBeforeJoining && !IsOwner(userId) && !GrantedUserIds.Contains(userId);
}

/// <summary>What <c>joinRoom</c> returns: <see cref="JoinedResult"/> or <see cref="WaitingResult"/>.</summary>
internal abstract record JoinRoomResult
{
    [JsonPropertyOrder(-1)]
    public abstract string Status { get; }
}

internal sealed record JoinedResult(
    RoomView Room,
    RoomUserView Self,
    IReadOnlyList<RoomUserView> Users,
    RtpCapabilities RouterRtpCapabilities,
    IReadOnlyList<ProducerInfo> Producers) : JoinRoomResult
{
    public override string Status => "joined";
}

internal sealed record WaitingResult : JoinRoomResult
{
    public static readonly WaitingResult Instance = new();

    public override string Status => "waiting";
}

/// <summary>Roles stored in <c>room_user.role</c>.</summary>
internal static class RoomRoles
{
    public const string Host = "host";
    public const string Participant = "participant";
}
