using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Parley.Server.Membership;
using Parley.Server.RoomMedia;
using Parley.Server.Rooms;

namespace Parley.Server.Hubs;

/// <summary>
/// The signaling hub at <c>/ws</c>, room half: reads and checks each call's one object argument, takes the
/// caller's identity from the token (never from the payload) and hands the work to
/// <see cref="RoomMembershipService"/>. Connections without a valid token or session cookie are refused.
/// </summary>
[Authorize]
internal sealed partial class RoomHub(
    RoomMembershipService membership, MediaSignalingService media, RoomService rooms, ServerDrain drain, ILogger<RoomHub> logger) : Hub
{
    private static readonly EmptyResult Empty = new();

    public override async Task OnConnectedAsync()
    {
        if (Context.UserIdentifier is not { Length: > 0 } userId)
        {
            // An authenticated principal without a user id is a misconfiguration, not a person to serve.
            Context.Abort();
            return;
        }

        drain.Arm();
        membership.Connected(Context.ConnectionId, userId);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        // SignalR ends a connection whose client stayed silent past the client timeout with an
        // OperationCanceledException; a closed socket or a client's stop comes without one or with an I/O error.
        var reason = exception is OperationCanceledException ? LeftReason.Disconnected : LeftReason.Left;
        if (reason == LeftReason.Disconnected)
        {
            MembershipLog.ClientTimedOut(logger, Context.ConnectionId, Context.UserIdentifier ?? string.Empty);
        }

        await membership.DisconnectedAsync(Context.ConnectionId, reason);
        await base.OnDisconnectedAsync(exception);
    }

    public async Task<RoomIdResult> CreateRoom(JsonElement request)
    {
        var roomId = HubPayload.RequireId(request, "createRoom", "roomId");
        await membership.CreateRoomAsync(roomId);
        return new RoomIdResult(roomId);
    }

    public async Task<JoinRoomResult> JoinRoom(JsonElement request, Recording.RecordingService recordings)
    {
        var roomId = HubPayload.RequireId(request, "joinRoom", "roomId");
        var inviteToken = request.TryGetProperty("inviteToken", out var token) && token.ValueKind != JsonValueKind.Null
            ? HubPayload.RequireId(request, "joinRoom", "inviteToken")
            : null;
        var result = await membership.JoinRoomAsync(Context.ConnectionId, roomId, inviteToken);
        return result is JoinedResult joined ? joined with { Recording = recordings.Current(roomId) } : result;
    }

    public async Task<EmptyResult> LeaveRoom(JsonElement request)
    {
        HubPayload.RequireObject(request, "leaveRoom");
        await membership.LeaveAsync(Context.ConnectionId);
        return Empty;
    }

    public Task<RoomUserDto> UpdateUser(JsonElement request) =>
        membership.UpdateUserAsync(Context.ConnectionId, HubPayload.ReadFlags(request, "updateUser"));

    public async Task<UsersResult> GetUsersInRoom(JsonElement request)
    {
        var roomId = HubPayload.RequireId(request, "getUsersInRoom", "roomId");
        return new UsersResult(await membership.GetUsersAsync(Context.ConnectionId, roomId));
    }

    public async Task<EmptyResult> AdmitUser(JsonElement request)
    {
        await membership.AdmitAsync(Context.ConnectionId, HubPayload.RequireId(request, "admitUser", "userId"));
        return Empty;
    }

    public async Task<EmptyResult> DenyUser(JsonElement request)
    {
        await membership.DenyAsync(Context.ConnectionId, HubPayload.RequireId(request, "denyUser", "userId"));
        return Empty;
    }

    public async Task<EmptyResult> RemoveUser(JsonElement request)
    {
        await membership.RemoveAsync(Context.ConnectionId, HubPayload.RequireId(request, "removeUser", "userId"));
        return Empty;
    }
}
