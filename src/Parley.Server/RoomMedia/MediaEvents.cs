using Microsoft.AspNetCore.SignalR;
using Parley.Server.Hubs;
using Parley.Server.Membership;

namespace Parley.Server.RoomMedia;

/// <summary>Sends the contract's media events, to a room (its SignalR group) or to one connection.</summary>
internal sealed class MediaEvents(IHubContext<RoomHub> hub, ILogger<MediaEvents> logger)
{
    public Task NewProducerAsync(string roomId, string exceptConnectionId, ProducerInfo info) =>
        hub.Clients.GroupExcept(RoomEvents.GroupOf(roomId), exceptConnectionId).SendAsync(HubEventNames.NewProducer, info);

    public Task ProducerClosedAsync(string roomId, string producerId, string userId) =>
        hub.Clients.Group(RoomEvents.GroupOf(roomId)).SendAsync(HubEventNames.ProducerClosed, new { producerId, userId });

    public Task ProducerPausedAsync(string roomId, string producerId, bool paused) =>
        hub.Clients.Group(RoomEvents.GroupOf(roomId))
            .SendAsync(paused ? HubEventNames.ProducerPaused : HubEventNames.ProducerResumed, new { producerId });

    /// <summary>An event for a whole room, raised from an SFU thread: failures are logged, not thrown.</summary>
    public void ToRoom(string roomId, string eventName, object payload) =>
        _ = SendLoggedAsync(hub.Clients.Group(RoomEvents.GroupOf(roomId)), eventName, payload);

    /// <summary>An event for one consumer's connection, raised from an SFU thread: failures are logged, not thrown.</summary>
    public void ToConnection(string connectionId, string eventName, object payload) =>
        _ = SendLoggedAsync(hub.Clients.Client(connectionId), eventName, payload);

    private async Task SendLoggedAsync(IClientProxy clients, string eventName, object payload)
    {
        try
        {
            await clients.SendAsync(eventName, payload);
        }
        catch (Exception exception)
        {
            MediaLog.EventFailed(logger, exception, eventName);
        }
    }
}
