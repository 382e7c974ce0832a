using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Parley.Server.Hubs;

namespace Parley.Server.Membership;

/// <summary>
/// A graceful stop (SIGTERM): when the application starts stopping, every room is emptied (rows deleted, media
/// closed), every connection gets <c>serverShuttingDown</c>, and joins are refused from then on, so a stop leaves no
/// stale <c>room_user</c> rows and the clients know to reconnect.
/// </summary>
internal sealed class ServerDrain(
    IHostApplicationLifetime lifetime,
    ConnectionRegistry registry,
    RoomEvents events,
    IServiceScopeFactory scopes,
    IOptions<HubSettings> options,
    ILogger<ServerDrain> logger)
{
    /// <summary>How long the stop may wait for the database (one that does not answer must not hold it up).</summary>
    private static readonly TimeSpan DatabaseLimit = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private int _armed;
    private volatile bool _draining;

    /// <summary>
    /// Hooks the drain onto <see cref="IHostApplicationLifetime.ApplicationStopping"/>. Called when the first hub
    /// connection arrives: SignalR's connection manager closes every connection on that same token, and token
    /// callbacks run newest first, so registering after it exists is what lets the drain talk to the clients first.
    /// </summary>
    public void Arm()
    {
        if (Interlocked.Exchange(ref _armed, 1) == 0)
        {
            // The callback must finish before the connections close, hence the wait (bounded) inside it.
            lifetime.ApplicationStopping.Register(() => DrainAsync().Wait(DatabaseLimit + options.Value.ShutdownGracePeriod));
        }
    }

    /// <summary>True once the server is stopping.</summary>
    public bool IsDraining => _draining;

    /// <summary>Refuses a join once the server is stopping.</summary>
    public void ThrowIfDraining()
    {
        if (_draining)
        {
            throw new HubException("The server is shutting down; reconnect in a moment");
        }
    }

    public async Task DrainAsync()
    {
        _draining = true;
        try
        {
            var sent = await SendEveryoneAwayAsync(static _ => Task.CompletedTask);
            MembershipLog.Drained(logger, sent.Members, sent.Rooms, sent.Connections);
        }
        finally
        {
            await WaitForClientsToCloseAsync();
        }
    }

    /// <summary>
    /// Empties every room here (rows deleted, media closed), calls <paramref name="roomEmptied"/> after each, then
    /// tells every connection <c>serverShuttingDown</c> so that the clients reconnect and rejoin. A stop does this;
    /// so does a draining node that moves its meetings to other nodes (it gives each room's lease back in
    /// <paramref name="roomEmptied"/>, so that the rejoin is placed elsewhere) and stays up.
    /// </summary>
    public async Task<SentAway> SendEveryoneAwayAsync(Func<string, Task> roomEmptied)
    {
        int rooms = 0, members = 0;
        foreach (var roomId in registry.RoomIds())
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                members += await scope.ServiceProvider.GetRequiredService<RoomMembershipService>().DrainRoomAsync(roomId);
                rooms++;
                await roomEmptied(roomId);
            }
            catch (Exception exception)
            {
                MembershipLog.DrainFailed(logger, roomId, exception.Message);
            }
        }

        var connections = registry.ConnectionIds();
        await events.ServerShuttingDownAsync(connections);
        return new SentAway(members, rooms, connections.Count);
    }

    /// <summary>
    /// Gives the clients <see cref="HubSettings.ShutdownGracePeriod"/> to close after <c>serverShuttingDown</c>: SignalR
    /// closes every connection right after this, and an event still in a connection's send buffer would be lost.
    /// </summary>
    private async Task WaitForClientsToCloseAsync()
    {
        var deadline = DateTime.UtcNow + options.Value.ShutdownGracePeriod;
        while (registry.OpenConnectionCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(PollInterval);
        }
    }
}

/// <summary>What <see cref="ServerDrain.SendEveryoneAwayAsync"/> did.</summary>
/// <param name="Members">People removed from the rooms.</param>
/// <param name="Rooms">Rooms emptied.</param>
/// <param name="Connections">Connections told <c>serverShuttingDown</c>.</param>
internal readonly record struct SentAway(int Members, int Rooms, int Connections);
