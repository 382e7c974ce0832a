using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// Answers <c>joinRoom</c> with <c>{status:"redirect", url}</c> when the room lives on another node; the join goes
/// ahead here otherwise. A payload it cannot read is left to the hub, which refuses it with the usual message.
/// </summary>
internal sealed class ClusterJoinFilter(RoomPlacement placement, RoomLeases leases, NodeHeartbeat heartbeat, IHostApplicationLifetime lifetime) : IHubFilter
{
    private int _hooked;

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (context.HubMethodName != "JoinRoom" || ReadRoomId(context) is not { } roomId)
        {
            return await next(context);
        }

        HookStop();
        // Before the look-up: a room held here keeps its lease while the join goes on (its linger counts from the end).
        using var joining = leases.BeginJoin(roomId);
        string? url;
        try
        {
            url = await placement.LocateAsync(roomId);
        }
        catch (RedisException)
        {
            throw new HubException("The server cannot reach the cluster directory; try again in a moment");
        }

        return url is null ? await next(context) : new RedirectResult(url);
    }

    /// <summary>The room id the hub would accept (the same checks), or null to let the hub refuse the call.</summary>
    private static string? ReadRoomId(HubInvocationContext context)
    {
        // The request is the first argument; services the method takes (the recording service) follow it.
        if (context.HubMethodArguments is not [JsonElement request, ..])
        {
            return null;
        }

        try
        {
            return Hubs.HubPayload.RequireId(request, "joinRoom", "roomId");
        }
        catch (HubException)
        {
            return null;
        }
    }

    /// <summary>
    /// On stopping, leave the registry before the drain tells the clients to reconnect, so that they are sent to a
    /// node that stays. Stopping callbacks run newest first and the drain registers at the first hub connection,
    /// which comes before any join: registering here puts leaving ahead of it.
    /// </summary>
    private void HookStop()
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            lifetime.ApplicationStopping.Register(() => heartbeat.LeaveAsync().Wait(TimeSpan.FromSeconds(2)));
        }
    }
}
