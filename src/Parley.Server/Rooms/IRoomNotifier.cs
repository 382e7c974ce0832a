namespace Parley.Server.Rooms;

/// <summary>Tells the people in a room about changes made over HTTP (the hub implements it).</summary>
public interface IRoomNotifier
{
    /// <summary>Called after a room's deletion has committed; everyone in it gets <c>roomClosed</c>.</summary>
    Task RoomClosedAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>Called after a change to the room has committed; everyone in it gets <c>roomUpdated</c>.</summary>
    Task RoomUpdatedAsync(RoomDto room, CancellationToken cancellationToken);
}

/// <summary>The default until the hub registers its own: nobody to notify.</summary>
internal sealed class NullRoomNotifier : IRoomNotifier
{
    public Task RoomClosedAsync(string roomId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RoomUpdatedAsync(RoomDto room, CancellationToken cancellationToken) => Task.CompletedTask;
}
