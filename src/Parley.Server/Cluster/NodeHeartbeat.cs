using Microsoft.Extensions.Options;

namespace Parley.Server.Cluster;

/// <summary>
/// Every <see cref="ClusterSettings.HeartbeatInterval"/>: writes this node's heartbeat (address and load), renews
/// the leases of its rooms (one pipelined round trip), moves the people of a room another node took meanwhile to that
/// node (<see cref="SplitRoomMove"/>) and cleans the rows of dead nodes. The moves and the dead-node sweep run beside
/// the loop (a sweep starts only once the previous one has finished), so that the next heartbeat never waits for the
/// database: a node slow to sweep under load must not look dead. A failed round (Redis or the database unreachable)
/// is logged and the next one tries again. On stopping the node leaves the registry and gives its rooms back.
/// When the node finds its own heartbeat gone (Redis restarted and lost every key, or this node stalled), the other
/// nodes' heartbeats are gone too until each writes its next one: the dead-node sweep waits one heartbeat timeout,
/// so that it does not take live nodes for dead and drop their people.
/// </summary>
internal sealed class NodeHeartbeat(
    IOptions<ClusterSettings> options,
    ClusterDirectory directory,
    RoomPlacement placement,
    RoomLeases leases,
    NodeDrain drain,
    SplitRoomMove splitRooms,
    NodeIdentity node,
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    private int _left;
    private bool _beaten;
    private DateTimeOffset _sweepFrom = DateTimeOffset.MinValue;
    private Task _sweep = Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ClusterLog.NodeStarted(logger, node.Id, node.PublicUrl);
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        do
        {
            // A stopping node takes no new rooms: from the first moment of the stop it is out of the registry.
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }

            try
            {
                var began = time.GetUtcNow();
                var intact = await directory.HeartbeatAsync(placement.Self());
                if (!intact && _beaten)
                {
                    _sweepFrom = time.GetUtcNow() + options.Value.HeartbeatTimeout;
                    ClusterLog.RegistryLost(logger, options.Value.HeartbeatTimeout.TotalSeconds);
                }

                _beaten = true;
                foreach (var lost in await leases.RenewAsync(began, intact, drain.IsDraining))
                {
                    splitRooms.Start(lost.RoomId, lost.HolderId);
                }

                drain.ReportIfEmpty();
                if (_sweep.IsCompleted && time.GetUtcNow() >= _sweepFrom)
                {
                    _sweep = SweepAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ClusterLog.HeartbeatFailed(logger, exception.GetType().Name, exception.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _sweep;
        await LeaveAsync();
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        // Off the heartbeat's own thread: the database work must not delay the next heartbeat.
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DeadNodeSweep>().RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            ClusterLog.HeartbeatFailed(logger, exception.GetType().Name, exception.Message);
        }
    }

    /// <summary>Takes the node out of the registry and releases its leases; once, whoever calls first.</summary>
    public async Task LeaveAsync()
    {
        if (Interlocked.Exchange(ref _left, 1) != 0)
        {
            return;
        }

        try
        {
            await directory.RemoveNodeAsync(node.Id);
            await leases.ReleaseAllAsync();
            ClusterLog.NodeLeft(logger, node.Id);
        }
        catch (Exception exception)
        {
            // Redis is gone too: the heartbeat and leases expire by themselves.
            ClusterLog.HeartbeatFailed(logger, exception.GetType().Name, exception.Message);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
