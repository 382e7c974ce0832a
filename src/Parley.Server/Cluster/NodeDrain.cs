using Parley.Server.Membership;

namespace Parley.Server.Cluster;

/// <summary>
/// The operator's drain of this node (<c>POST /api/admin/node/drain</c>): from then on placement sends no new room
/// here (the heartbeat says so, and this node leaves itself out), joins of a room that lives elsewhere or nowhere
/// are redirected, the meetings held here go on, and <c>/health/ready</c> is 503 so that a load balancer stops
/// sending new people. The node is empty once nobody is in or waiting at any of its rooms and it holds no lease
/// (a room placed here just before the drain may still be awaiting its people); that is logged once.
/// Nobody is asked to leave unless the operator gave a deadline (<c>moveAfterSeconds</c>): then, once it passes, the
/// meetings still here are moved the way a stop moves them (<see cref="ServerDrain.SendEveryoneAwayAsync"/>: rooms
/// emptied, leases given back, everyone told <c>serverShuttingDown</c>, so the clients rejoin and are placed on
/// another node), while this node stays up, draining, until the operator stops it. Cancelling the drain before the
/// deadline cancels the move.
/// </summary>
internal sealed class NodeDrain(
    ConnectionRegistry registry, RoomLeases leases, ServerDrain stop, NodeIdentity node, TimeProvider time, ILogger<NodeDrain> logger)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _since;
    private bool _reportedEmpty;
    private DateTimeOffset? _moveAt;
    private CancellationTokenSource? _move;

    /// <summary>True while the operator has the node draining.</summary>
    public bool IsDraining
    {
        get
        {
            lock (_gate)
            {
                return _since is not null;
            }
        }
    }

    /// <summary>Starts draining; with <paramref name="moveAfter"/>, (re)schedules the move of the meetings left then.</summary>
    /// <returns>False when nothing changed (already draining, no new deadline).</returns>
    public bool Start(TimeSpan? moveAfter = null)
    {
        bool started;
        CancellationToken moveToken = default;
        lock (_gate)
        {
            started = _since is null;
            if (started)
            {
                _since = time.GetUtcNow();
                _reportedEmpty = false;
            }

            if (moveAfter is { } after)
            {
                CancelMove();
                _move = new CancellationTokenSource();
                _moveAt = time.GetUtcNow() + after;
                moveToken = _move.Token;
            }
        }

        if (started)
        {
            var status = Status();
            ClusterLog.DrainStarted(logger, node.Id, status.Participants + status.Waiting, status.Rooms);
        }

        if (moveAfter is { } delay)
        {
            ClusterLog.MoveScheduled(logger, node.Id, delay.TotalSeconds);
            _ = MoveAtDeadlineAsync(delay, moveToken);
        }

        return started || moveAfter is not null;
    }

    /// <summary>Takes new rooms again (and moves nobody); false when the node was not draining.</summary>
    public bool Cancel()
    {
        lock (_gate)
        {
            if (_since is null)
            {
                return false;
            }

            _since = null;
            CancelMove();
        }

        ClusterLog.DrainCancelled(logger, node.Id);
        return true;
    }

    private void CancelMove()
    {
        _move?.Cancel();
        _move?.Dispose();
        _move = null;
        _moveAt = null;
    }

    private async Task MoveAtDeadlineAsync(TimeSpan delay, CancellationToken cancelled)
    {
        try
        {
            await Task.Delay(delay, time, cancelled);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            if (cancelled.IsCancellationRequested)
            {
                return;
            }

            _moveAt = null;
        }

        try
        {
            var sent = await stop.SendEveryoneAwayAsync(leases.ReleaseAsync);
            ClusterLog.MeetingsMoved(logger, node.Id, sent.Members, sent.Rooms, sent.Connections);
        }
        catch (Exception exception)
        {
            // A Redis or hub failure part-way: the rooms not released go at the next heartbeats (the node drains).
            ClusterLog.MoveFailed(logger, node.Id, exception.GetType().Name, exception.Message);
        }
    }

    public NodeDrainStatus Status()
    {
        var counts = registry.Count();
        var rooms = registry.RoomIds().Union(leases.RoomIds, StringComparer.Ordinal).Count();
        DateTimeOffset? since, moveAt;
        lock (_gate)
        {
            (since, moveAt) = (_since, _moveAt);
        }

        return new NodeDrainStatus(node.Id, since is not null, since, moveAt, counts.Members, counts.Waiting, rooms,
            counts.Members + counts.Waiting == 0 && rooms == 0);
    }

    /// <summary>Logs, once per drain, that a draining node is empty (called with every heartbeat).</summary>
    public void ReportIfEmpty()
    {
        if (!IsDraining || !Status().Empty)
        {
            return;
        }

        lock (_gate)
        {
            if (_since is not { } since || _reportedEmpty)
            {
                return;
            }

            _reportedEmpty = true;
            ClusterLog.Drained(logger, node.Id, (time.GetUtcNow() - since).TotalSeconds);
        }
    }
}

/// <summary>A node's drain as the operator API answers it.</summary>
/// <param name="NodeId">This node's id.</param>
/// <param name="Draining">True while the node takes no new rooms.</param>
/// <param name="DrainingSince">When the drain began (null when not draining).</param>
/// <param name="MovesAt">When the meetings still here will be moved to other nodes (null when none is scheduled).</param>
/// <param name="Participants">People in rooms on this node.</param>
/// <param name="Waiting">People at the door of rooms on this node.</param>
/// <param name="Rooms">Rooms with people here or whose lease this node holds.</param>
/// <param name="Empty">Nobody here and no room held: the node can be stopped without moving anyone.</param>
internal sealed record NodeDrainStatus(string NodeId, bool Draining, DateTimeOffset? DrainingSince, DateTimeOffset? MovesAt, int Participants, int Waiting, int Rooms, bool Empty);
