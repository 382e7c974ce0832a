using System.Collections.Concurrent;
using Parley.Server.Membership;

namespace Parley.Server.Cluster;

/// <summary>
/// The leases this node holds, renewed with each heartbeat. A room placed here but not yet entered keeps its lease
/// for <see cref="ArrivalGrace"/> (the redirected people are on their way); a room that had people is released as
/// soon as it is empty, so that its next meeting is placed afresh.
/// </summary>
internal sealed class RoomLeases(ClusterDirectory directory, ConnectionRegistry registry, NodeIdentity node, TimeProvider time, ILogger<RoomLeases> logger)
{
    public static readonly TimeSpan ArrivalGrace = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Held> _held = new(StringComparer.Ordinal);

    /// <summary>The room's lease is ours (just placed here, or confirmed at a join).</summary>
    /// <returns>True when the room was not held here before (this node's load just grew).</returns>
    public bool Hold(string roomId)
    {
        var added = false;
        _held.AddOrUpdate(
            roomId,
            _ =>
            {
                added = true;
                return new Held(time.GetUtcNow(), false);
            },
            (_, h) => h with { Since = time.GetUtcNow() });
        return added;
    }

    public IReadOnlyCollection<string> RoomIds => [.. _held.Keys];

    /// <summary>Renews the lease of every room with people here; releases those that emptied or were never entered.</summary>
    public async Task RenewAsync()
    {
        var occupied = registry.RoomIds();
        foreach (var roomId in occupied)
        {
            _held[roomId] = new Held(time.GetUtcNow(), true);
            if (!await directory.RenewAsync(roomId, node.Id))
            {
                // Another node took the room (we were thought dead): its people here are in a meeting nobody else sees.
                ClusterLog.LeaseLost(logger, roomId, await directory.LeaseHolderAsync(roomId) ?? "?");
            }
        }

        foreach (var (roomId, held) in _held)
        {
            if (!registry.IsVacant(roomId))
            {
                continue;
            }

            if (held.HadPeople || time.GetUtcNow() - held.Since > ArrivalGrace)
            {
                _held.TryRemove(roomId, out _);
                await directory.ReleaseAsync(roomId, node.Id);
                ClusterLog.LeaseReleased(logger, roomId);
            }
            else
            {
                await directory.RenewAsync(roomId, node.Id);
            }
        }
    }

    /// <summary>Gives every lease back (the node is stopping).</summary>
    public async Task ReleaseAllAsync()
    {
        foreach (var roomId in _held.Keys)
        {
            _held.TryRemove(roomId, out _);
            await directory.ReleaseAsync(roomId, node.Id);
        }
    }

    private sealed record Held(DateTimeOffset Since, bool HadPeople);
}
