using Microsoft.AspNetCore.SignalR;
using Parley.Server.Hubs;
using Parley.Server.Rooms;

namespace Parley.Server.Membership;

/// <summary>
/// Sends the room events of the contract and keeps the SignalR groups (one per room) in step with the
/// registry. Works through <see cref="IHubContext{THub}"/>, so it serves hub calls and HTTP requests alike.
/// </summary>
internal sealed class RoomEvents(IHubContext<RoomHub> hub)
{
    public static string GroupOf(string roomId) => "room:" + roomId;

    public Task AddToRoomAsync(string connectionId, string roomId) =>
        hub.Groups.AddToGroupAsync(connectionId, GroupOf(roomId));

    public Task RemoveFromRoomAsync(string connectionId, string roomId) =>
        hub.Groups.RemoveFromGroupAsync(connectionId, GroupOf(roomId));

    public Task UserJoinedAsync(string roomId, string exceptConnectionId, RoomUserDto user) =>
        hub.Clients.GroupExcept(GroupOf(roomId), exceptConnectionId).SendAsync(HubEventNames.UserJoined, user);

    public Task UserUpdatedAsync(string roomId, string exceptConnectionId, RoomUserDto user) =>
        hub.Clients.GroupExcept(GroupOf(roomId), exceptConnectionId).SendAsync(HubEventNames.UserUpdated, user);

    /// <summary><c>userUpdated</c> to everyone in the room, the user included (their flags changed without a call of theirs).</summary>
    public Task UserUpdatedAsync(string roomId, RoomUserDto user) =>
        hub.Clients.Group(GroupOf(roomId)).SendAsync(HubEventNames.UserUpdated, user);

    public Task UserLeftAsync(string roomId, string userId, LeftReason reason) =>
        hub.Clients.Group(GroupOf(roomId)).SendAsync(HubEventNames.UserLeft, new { userId, reason = reason.WireName() });

    /// <summary><c>userConnectionChanged</c> to everyone in the room: a participant's connection was lost or is back.</summary>
    public Task UserConnectionChangedAsync(string roomId, string userId, bool connected) =>
        hub.Clients.Group(GroupOf(roomId)).SendAsync(HubEventNames.UserConnectionChanged, new { userId, connected });

    /// <summary>
    /// To every connection of this server: it is stopping, and they should reconnect. Named one by one, because
    /// with the Redis backplane "all" would be every node's connections.
    /// </summary>
    public Task ServerShuttingDownAsync(IReadOnlyList<string> connectionIds) =>
        SendToAsync(connectionIds, HubEventNames.ServerShuttingDown, new { });

    public Task JoinRequestAsync(IReadOnlyList<string> hostConnectionIds, WaitingUser user) =>
        hostConnectionIds.Count == 0
            ? Task.CompletedTask
            : hub.Clients.Clients(hostConnectionIds).SendAsync(HubEventNames.JoinRequest, new { userId = user.UserId, name = user.Name });

    public Task JoinRequestCancelledAsync(IReadOnlyList<string> hostConnectionIds, string userId) =>
        hostConnectionIds.Count == 0
            ? Task.CompletedTask
            : hub.Clients.Clients(hostConnectionIds).SendAsync(HubEventNames.JoinRequestCancelled, new { userId });

    public Task AdmittedAsync(IReadOnlyList<string> connectionIds, string roomId) =>
        SendToAsync(connectionIds, HubEventNames.Admitted, new { roomId });

    public Task DeniedAsync(IReadOnlyList<string> connectionIds, string roomId) =>
        SendToAsync(connectionIds, HubEventNames.Denied, new { roomId });

    public Task RemovedAsync(string connectionId, string roomId) =>
        hub.Clients.Client(connectionId).SendAsync(HubEventNames.Removed, new { roomId });

    public Task RoomClosedAsync(IReadOnlyList<string> connectionIds, string roomId) =>
        SendToAsync(connectionIds, HubEventNames.RoomClosed, new { roomId });

    public Task MeetingEndedAsync(IReadOnlyList<string> connectionIds, string roomId) =>
        SendToAsync(connectionIds, HubEventNames.MeetingEnded, new { roomId });

    /// <summary>An event to everyone in the room, the caller included.</summary>
    public Task ToRoomAsync(string roomId, string eventName, object payload) =>
        hub.Clients.Group(GroupOf(roomId)).SendAsync(eventName, payload);

    public Task ToConnectionAsync(string connectionId, string eventName, object payload) =>
        hub.Clients.Client(connectionId).SendAsync(eventName, payload);

    public Task SessionReplacedAsync(string connectionId) =>
        hub.Clients.Client(connectionId).SendAsync(HubEventNames.SessionReplaced, new { });

    private Task SendToAsync(IReadOnlyList<string> connectionIds, string eventName, object payload) =>
        connectionIds.Count == 0 ? Task.CompletedTask : hub.Clients.Clients(connectionIds).SendAsync(eventName, payload);
}
