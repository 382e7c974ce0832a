namespace Parley.Server.Cluster;

/// <summary>
/// The <c>Node</c> configuration section: who this server is among several on one database. Several nodes are on
/// when <c>ConnectionStrings:Redis</c> is set; without it the server runs alone and none of this applies.
/// </summary>
internal sealed class ClusterSettings
{
    public const string SectionName = "Node";

    /// <summary>The name of the Redis connection string (<c>ConnectionStrings:Redis</c>).</summary>
    public const string RedisConnectionName = "Redis";

    /// <summary>This node's id, unique among the nodes; generated at start-up when empty.</summary>
    public string? Id { get; set; }

    /// <summary>The base URL clients reach this node at (put in <c>redirect</c> answers); the listening address when empty.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Origins (scheme://host:port) whose pages may open the hub here: the other nodes' public URLs.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>How often the node writes its heartbeat and renews its rooms' leases.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A node whose heartbeat is this old is dead: its rooms move and its rows are cleaned.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long a room's lease lasts without renewal (renewed every heartbeat while the room lives).</summary>
    public TimeSpan RoomLeaseTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The key an operator sends (header <c>Parley-Operator-Key</c>) to call <c>/api/admin/node/*</c> (drain); the
    /// operator API is off while it is empty.
    /// </summary>
    public string? OperatorKey { get; set; }

    /// <summary>The prefix of every Redis key and channel (several clusters, or test runs, may share one Redis).</summary>
    public string RedisPrefix { get; set; } = "parley";
}
