using System.Text.Json;
using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// Carries out, on this node, the room changes other nodes forward to it (<see cref="ClusterRoomNotifier"/>,
/// <see cref="DeadNodeSweep"/>).
/// </summary>
internal sealed class RoomCommandRelay(
    IConnectionMultiplexer redis,
    ClusterDirectory directory,
    NodeIdentity node,
    Parley.Server.Membership.HubRoomNotifier local,
    IServiceScopeFactory scopes,
    ILogger<RoomCommandRelay> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private ChannelMessageQueue? _queue;

    /// <summary>Subscribes, retrying while Redis is away (once subscribed, the client subscribes again after a reconnect).</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _queue = await redis.GetSubscriber().SubscribeAsync(directory.CommandChannel(node.Id));
                // One at a time, in the order they were published.
                _queue.OnMessage(message => HandleAsync(message.Message));
                return;
            }
            catch (RedisException exception)
            {
                ClusterLog.HeartbeatFailed(logger, exception.GetType().Name, exception.Message);
                await Task.Delay(RetryDelay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_queue is not null)
        {
            await _queue.UnsubscribeAsync();
        }
    }

    private async Task HandleAsync(RedisValue message)
    {
        try
        {
            var command = JsonSerializer.Deserialize<RoomCommand>(message.ToString(), JsonSerializerOptions.Web);
            switch (command)
            {
                case { Kind: RoomCommand.Closed }:
                    await local.RoomClosedAsync(command.RoomId, CancellationToken.None);
                    break;
                case { Kind: RoomCommand.Updated, Room: { } room }:
                    await local.RoomUpdatedAsync(room, CancellationToken.None);
                    break;
                case { Kind: RoomCommand.DeadMemberSwept, UserId: { } userId, NodeId: { } deadNodeId }:
                    await using (var scope = scopes.CreateAsyncScope())
                    {
                        await scope.ServiceProvider.GetRequiredService<DeadMemberRemoval>().RemoveAsync(command.RoomId, userId, deadNodeId, CancellationToken.None);
                    }

                    break;
                default:
                    ClusterLog.CommandDropped(logger, "unknown kind");
                    break;
            }
        }
        catch (Exception exception)
        {
            ClusterLog.CommandDropped(logger, exception.Message);
        }
    }
}
