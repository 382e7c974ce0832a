using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Server.Membership;

namespace Parley.Server.Cluster;

/// <summary>
/// The leases this node holds, renewed with each heartbeat. A room placed here but not yet entered keeps its lease
/// for <see cref="ArrivalGrace"/> (the redirected people are on their way); a room that had people keeps it for
/// <see cref="EmptyLinger"/> after it was last in use (someone reloading the page, or leaving and coming straight
/// back, finds it here without a new placement or a redirect), then it is released so that its next meeting is placed
/// afresh (at once on a draining node). "In use" is a heartbeat finding someone in it or at its door, or a join here
/// (<see cref="BeginJoin"/>): a join under way holds the lease, and the linger counts from the end of the last one, so
/// that a room people keep coming back to is not re-placed between heartbeats that happen to find it empty.
/// </summary>
/// <remarks>
/// A join of a room held here is answered without asking Redis (<see cref="IsHeldHere"/>) while that answer is as good
/// as Redis' own: the lease was taken or renewed by this node and not found lost since, and this node's last
/// heartbeat began less than <c>HeartbeatTimeout - HeartbeatInterval</c> ago. Another node can only take the room
/// once this node's heartbeat has expired (it counts this node dead) or the lease has expired (it lasts longer than
/// the heartbeat), so within that time nobody has. The exception is Redis losing its keys; the next heartbeat finds
/// that out, and the lease is confirmed again or reported lost.
/// </remarks>
internal sealed class RoomLeases(
    ClusterDirectory directory, ConnectionRegistry registry, NodeIdentity node, IOptions<ClusterSettings> options, TimeProvider time, ILogger<RoomLeases> logger)
{
    public static readonly TimeSpan ArrivalGrace = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan EmptyLinger = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Held> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _joining = new(StringComparer.Ordinal);
    private readonly TimeSpan _trustFor = options.Value.HeartbeatTimeout - options.Value.HeartbeatInterval;
    private long _heartbeatBeganTicks = DateTimeOffset.MinValue.UtcTicks;

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
                return new Held(time.GetUtcNow(), false, true);
            },
            (_, h) => h with { Since = time.GetUtcNow(), Confirmed = true });
        return added;
    }

    /// <summary>True when this node holds the room and may say so without asking Redis (see the remarks).</summary>
    public bool IsHeldHere(string roomId) =>
        _held.TryGetValue(roomId, out var held) && held.Confirmed
        && time.GetUtcNow().UtcTicks - Interlocked.Read(ref _heartbeatBeganTicks) < _trustFor.Ticks;

    public bool Contains(string roomId) => _held.ContainsKey(roomId);

    /// <summary>
    /// A join of the room is under way on this node (call before asking where the room lives): until the result is
    /// disposed the lease is not released, and disposing it counts as the room's last use.
    /// </summary>
    public JoinUnderWay BeginJoin(string roomId)
    {
        _joining.AddOrUpdate(roomId, 1, (_, count) => count + 1);
        return new JoinUnderWay(this, roomId);
    }

    private void EndJoin(string roomId)
    {
        while (true)
        {
            var count = _joining[roomId];
            if (count == 1 ? _joining.TryRemove(new KeyValuePair<string, int>(roomId, 1)) : _joining.TryUpdate(roomId, count - 1, count))
            {
                break;
            }
        }

        if (_held.TryGetValue(roomId, out var held))
        {
            _held.TryUpdate(roomId, held with { Since = time.GetUtcNow(), HadPeople = true }, held);
        }
    }

    private bool InUse(string roomId) => _joining.ContainsKey(roomId) || !registry.IsVacant(roomId);

    public IReadOnlyCollection<string> RoomIds => [.. _held.Keys];

    /// <summary>
    /// Renews the lease of every room with people here (all in one pipelined round trip, so that a node with many
    /// rooms is not slower to beat); releases those that stayed empty or were never entered.
    /// </summary>
    /// <param name="heartbeatBegan">When the heartbeat written just before began.</param>
    /// <param name="registryIntact">False when that heartbeat found its predecessor gone (Redis lost its keys):
    /// nothing held is trusted until renewed.</param>
    /// <param name="draining">The node is draining: an emptied room is released at once (its next meeting goes elsewhere).</param>
    /// <returns>The rooms with people here whose lease another node holds (this node was thought dead meanwhile):
    /// a split meeting, whose people here are to be moved to the holder.</returns>
    public async Task<IReadOnlyList<LostLease>> RenewAsync(DateTimeOffset heartbeatBegan, bool registryIntact, bool draining = false)
    {
        var linger = draining ? TimeSpan.Zero : EmptyLinger;
        if (!registryIntact)
        {
            foreach (var (roomId, held) in _held)
            {
                _held.TryUpdate(roomId, held with { Confirmed = false }, held);
            }
        }

        Interlocked.Exchange(ref _heartbeatBeganTicks, heartbeatBegan.UtcTicks);
        var occupied = registry.RoomIds();
        var renewals = await Task.WhenAll(occupied.Select(roomId => directory.RenewAsync(roomId, node.Id)));
        var lost = new List<string>();
        for (var i = 0; i < occupied.Count; i++)
        {
            _held[occupied[i]] = new Held(time.GetUtcNow(), true, renewals[i]);
            if (!renewals[i])
            {
                lost.Add(occupied[i]);
            }
        }

        var holders = await Task.WhenAll(lost.Select(directory.LeaseHolderAsync));

        foreach (var (roomId, held) in _held)
        {
            if (InUse(roomId))
            {
                continue;
            }

            if (time.GetUtcNow() - held.Since > (held.HadPeople ? linger : ArrivalGrace))
            {
                await ReleaseUnlessJoinedAsync(roomId, held);
            }
            else
            {
                _held.TryUpdate(roomId, held with { Confirmed = await directory.RenewAsync(roomId, node.Id) }, held);
            }
        }

        // A lease that expired between the two looks (nobody holds it, or a join here just took it) stays here.
        return [.. lost.Zip(holders).Where(l => l.Second is { } holder && holder != node.Id).Select(l => new LostLease(l.First, l.Second!))];
    }

    /// <summary>
    /// Releases a vacant room's lease unless a join begins meanwhile. The entry goes first, so that a join beginning
    /// after the check below no longer finds the room held here and asks Redis; if that join was quicker than the
    /// release (it found this node still the holder and held the room again), the lease is taken back at once.
    /// </summary>
    private async Task ReleaseUnlessJoinedAsync(string roomId, Held held)
    {
        if (!_held.TryRemove(new KeyValuePair<string, Held>(roomId, held)))
        {
            return;
        }

        if (InUse(roomId))
        {
            _held.TryAdd(roomId, held);
            return;
        }

        await directory.ReleaseAsync(roomId, node.Id);
        if (_held.TryGetValue(roomId, out var again))
        {
            _held.TryUpdate(roomId, again with { Confirmed = await directory.RenewAsync(roomId, node.Id) }, again);
            return;
        }

        ClusterLog.LeaseReleased(logger, roomId);
    }

    /// <summary>Gives every lease back (the node is stopping).</summary>
    public async Task ReleaseAllAsync()
    {
        foreach (var roomId in _held.Keys)
        {
            await ReleaseAsync(roomId);
        }
    }

    /// <summary>Gives the room's lease back, so that its next join is placed afresh (on a draining node: elsewhere).</summary>
    public async Task ReleaseAsync(string roomId)
    {
        _held.TryRemove(roomId, out _);
        await directory.ReleaseAsync(roomId, node.Id);
    }

    /// <summary>Ends a join's hold on its room's lease (<see cref="BeginJoin"/>).</summary>
    public readonly struct JoinUnderWay(RoomLeases leases, string roomId) : IDisposable
    {
        public void Dispose() => leases.EndJoin(roomId);
    }

    /// <summary>A room with people here whose lease <paramref name="HolderId"/> holds.</summary>
    public sealed record LostLease(string RoomId, string HolderId);

    /// <param name="Since">When the room was placed here, or last in use.</param>
    /// <param name="HadPeople">Whether anyone has been in it here.</param>
    /// <param name="Confirmed">The lease was ours at the last look (taken, or renewed).</param>
    private sealed record Held(DateTimeOffset Since, bool HadPeople, bool Confirmed);
}
