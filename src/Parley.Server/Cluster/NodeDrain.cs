using Parley.Server.Membership;

namespace Parley.Server.Cluster;

/// <summary>
/// The operator's drain of this node (<c>POST /api/admin/node/drain</c>): from then on placement sends no new room
/// here (the heartbeat says so, and this node leaves itself out), joins of a room that lives elsewhere or nowhere
/// are redirected, the meetings held here go on, and <c>/health/ready</c> is 503 so that a load balancer stops
/// sending new people. The node is empty once nobody is in or waiting at any of its rooms and it holds no lease
/// (a room placed here just before the drain may still be awaiting its people); that is logged once.
/// Unlike a stop (SIGTERM), nobody is asked to leave: the operator waits for empty, then stops the node.
/// </summary>
internal sealed class NodeDrain(ConnectionRegistry registry, RoomLeases leases, NodeIdentity node, TimeProvider time, ILogger<NodeDrain> logger)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _since;
    private bool _reportedEmpty;

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

    /// <summary>Starts draining; false when it already was.</summary>
    public bool Start()
    {
        lock (_gate)
        {
            if (_since is not null)
            {
                return false;
            }

            _since = time.GetUtcNow();
            _reportedEmpty = false;
        }

        var status = Status();
        ClusterLog.DrainStarted(logger, node.Id, status.Participants + status.Waiting, status.Rooms);
        return true;
    }

    /// <summary>Takes new rooms again; false when the node was not draining.</summary>
    public bool Cancel()
    {
        lock (_gate)
        {
            if (_since is null)
            {
                return false;
            }

            _since = null;
        }

        ClusterLog.DrainCancelled(logger, node.Id);
        return true;
    }

    public NodeDrainStatus Status()
    {
        var counts = registry.Count();
        var rooms = registry.RoomIds().Union(leases.RoomIds, StringComparer.Ordinal).Count();
        DateTimeOffset? since;
        lock (_gate)
        {
            since = _since;
        }

        return new NodeDrainStatus(node.Id, since is not null, since, counts.Members, counts.Waiting, rooms,
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
/// <param name="Participants">People in rooms on this node.</param>
/// <param name="Waiting">People at the door of rooms on this node.</param>
/// <param name="Rooms">Rooms with people here or whose lease this node holds.</param>
/// <param name="Empty">Nobody here and no room held: the node can be stopped without moving anyone.</param>
internal sealed record NodeDrainStatus(string NodeId, bool Draining, DateTimeOffset? DrainingSince, int Participants, int Waiting, int Rooms, bool Empty);
