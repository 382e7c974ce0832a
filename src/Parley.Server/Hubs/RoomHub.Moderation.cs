using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Parley.Server.Rooms;

namespace Parley.Server.Hubs;

/// <summary>
/// Room settings, roles and moderation (the contract's "Rooms and settings" and "Roles and moderation"), handed to
/// <see cref="Membership.RoomMembershipService"/>; <c>updateRoom</c> goes through <see cref="RoomService"/> like
/// <c>PATCH /api/rooms/{roomId}</c>, so both check and announce a change the same way.
/// </summary>
internal sealed partial class RoomHub
{
    public async Task<RoomResponse> UpdateRoom(JsonElement request)
    {
        var change = ModerationPayload.ReadRoomChange(request);
        var (roomId, userId) = membership.RequireJoinedRoom(Context.ConnectionId);
        var outcome = await rooms.UpdateAsync(roomId, userId, change.Name, change.RequireAccessBeforeJoining, change.Settings, Context.ConnectionAborted);
        return outcome.Status switch
        {
            RoomOutcomeStatus.Ok => new RoomResponse(RoomDto.From(outcome.Room!)),
            RoomOutcomeStatus.Forbidden => throw Membership.HubErrors.HostOnly(),
            _ => throw Membership.HubErrors.RoomNotFound(),
        };
    }

    public Task<RoomUserDto> SetRole(JsonElement request)
    {
        var (userId, role) = ModerationPayload.ReadRole(request);
        return membership.SetRoleAsync(Context.ConnectionId, userId, role);
    }

    public async Task<EmptyResult> MuteUser(JsonElement request)
    {
        await membership.MuteAsync(Context.ConnectionId, HubPayload.RequireId(request, "muteUser", "userId"));
        return Empty;
    }

    public async Task<EmptyResult> StopVideo(JsonElement request)
    {
        var (userId, source) = ModerationPayload.ReadStopVideo(request);
        await membership.StopVideoAsync(Context.ConnectionId, userId, source);
        return Empty;
    }

    public async Task<EmptyResult> MuteAll(JsonElement request)
    {
        HubPayload.RequireObject(request, "muteAll");
        await membership.MuteAllAsync(Context.ConnectionId);
        return Empty;
    }

    public async Task<EmptyResult> AskToUnmute(JsonElement request)
    {
        await membership.AskToUnmuteAsync(Context.ConnectionId, HubPayload.RequireId(request, "askToUnmute", "userId"));
        return Empty;
    }

    public async Task<EmptyResult> EndMeeting(JsonElement request)
    {
        HubPayload.RequireObject(request, "endMeeting");
        await membership.EndMeetingAsync(Context.ConnectionId);
        return Empty;
    }

    public async Task<EmptyResult> RaiseHand(JsonElement request)
    {
        HubPayload.RequireObject(request, "raiseHand");
        await membership.RaiseHandAsync(Context.ConnectionId);
        return Empty;
    }

    public async Task<EmptyResult> LowerHand(JsonElement request)
    {
        await membership.LowerHandAsync(Context.ConnectionId, ModerationPayload.OptionalId(request, "lowerHand", "userId"));
        return Empty;
    }

    public async Task<EmptyResult> SendReaction(JsonElement request)
    {
        await membership.SendReactionAsync(Context.ConnectionId, ModerationPayload.ReadEmoji(request));
        return Empty;
    }
}
