using Parley.Server.Membership;
using Parley.Server.Rooms;

namespace Parley.Server.Cluster;

/// <summary>
/// Changes made over HTTP on any node reach the room where it lives: when another live node holds the room's lease
/// the change is published to that node (<see cref="RoomCommandRelay"/> carries it out there), otherwise it is
/// carried out here. When Redis cannot be asked, here is the best guess.
/// </summary>
internal sealed class ClusterRoomNotifier(HubRoomNotifier local, ClusterDirectory directory, NodeIdentity node, ILogger<ClusterRoomNotifier> logger) : IRoomNotifier
{
    public async Task RoomClosedAsync(string roomId, CancellationToken cancellationToken)
    {
        if (!await ForwardAsync(new RoomCommand(RoomCommand.Closed, roomId, null)))
        {
            await local.RoomClosedAsync(roomId, cancellationToken);
        }
    }

    public async Task RoomUpdatedAsync(RoomDto room, CancellationToken cancellationToken)
    {
        if (!await ForwardAsync(new RoomCommand(RoomCommand.Updated, room.Id, room)))
        {
            await local.RoomUpdatedAsync(room, cancellationToken);
        }
    }

    private async Task<bool> ForwardAsync(RoomCommand command)
    {
        try
        {
            var holder = await directory.LeaseHolderAsync(command.RoomId);
            if (holder is null || holder == node.Id)
            {
                return false;
            }

            await directory.PublishAsync(holder, command);
            ClusterLog.CommandForwarded(logger, command.Kind, command.RoomId, holder);
            return true;
        }
        catch (StackExchange.Redis.RedisException exception)
        {
            ClusterLog.HeartbeatFailed(logger, exception.GetType().Name, exception.Message);
            return false;
        }
    }
}
