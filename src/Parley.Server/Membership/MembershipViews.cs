using System.Text.Json.Serialization;
using Parley.Media.Ortc;
using Parley.Server.RoomMedia;
using Parley.Server.Rooms;

namespace Parley.Server.Membership;

/// <summary>A room as membership needs it: what the client sees (settings and co-hosts included), and who was granted access.</summary>
internal sealed record RoomRecord(RoomDto View, IReadOnlyCollection<string> GrantedUserIds)
{
    public string Id => View.Id;

    public bool IsOwner(string userId) => View.OwnerId == userId;

    /// <summary>Whether the user must wait for a host: the room asks for it and they are neither owner nor granted.</summary>
    public bool MustWait(string userId) =>
        View.RequireAccessBeforeJoining && !View.IsHost(userId) && !GrantedUserIds.Contains(userId);
}

/// <summary>What <c>joinRoom</c> returns: <see cref="JoinedResult"/> or <see cref="WaitingResult"/>.</summary>
internal abstract record JoinRoomResult
{
    [JsonPropertyOrder(-1)]
    public abstract string Status { get; }
}

internal sealed record JoinedResult(
    RoomDto Room,
    RoomUserDto Self,
    IReadOnlyList<RoomUserDto> Users,
    RtpCapabilities RouterRtpCapabilities,
    IReadOnlyList<ProducerInfo> Producers) : JoinRoomResult
{
    public override string Status => "joined";

    /// <summary>The room's running recording (<c>{recordingId, startedAt}</c>), or null.</summary>
    public Recording.ActiveRecording? Recording { get; init; }
}

internal sealed record WaitingResult : JoinRoomResult
{
    public static readonly WaitingResult Instance = new();

    public override string Status => "waiting";
}

internal static class RoomUserDtoExtensions
{
    public static MediaFlags Flags(this RoomUserDto user) => new(user.IsMicActive, user.IsCamActive, user.IsShareScreen);
}
