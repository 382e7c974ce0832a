using Parley.Server.Rooms;

namespace Parley.Server.Membership;

/// <summary>Tells a deleted room's people over the hub (<c>roomClosed</c>) and takes them out of it; tells a changed room's people (<c>roomUpdated</c>).</summary>
internal sealed class HubRoomNotifier(IServiceScopeFactory scopes) : IRoomNotifier
{
    public async Task RoomClosedAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RoomMembershipService>().CloseRoomAsync(roomId, cancellationToken);
    }

    public async Task RoomUpdatedAsync(RoomDto room, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RoomMembershipService>().RoomUpdatedAsync(room);
    }
}
