using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// The node registry and the room leases in Redis. A node's heartbeat is a key that expires
/// (<c>{prefix}:node:{id}</c>, JSON <see cref="NodeRecord"/>) plus its id in the set <c>{prefix}:nodes</c>; a node is
/// alive exactly while its key exists. A room's lease is <c>{prefix}:room:{roomId}</c> = the holding node's id,
/// with an expiry; every change to a lease is one atomic command or script, so two nodes never both win it.
/// </summary>
internal sealed class ClusterDirectory(IConnectionMultiplexer redis, IOptions<ClusterSettings> options)
{
    // Renews the caller's lease, or takes a lease nobody holds; 0 when another node holds it.
    private const string RenewScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
        return 0
        """;

    // Moves a lease from the node named (a dead one) to another; 0 when the lease changed meanwhile.
    private const string TakeOverScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private readonly ClusterSettings _settings = options.Value;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>Writes the node's heartbeat; false when its previous one was gone (expired, or Redis lost its keys).</summary>
    public async Task<bool> HeartbeatAsync(NodeRecord node)
    {
        var previous = await Db.StringSetAndGetAsync(NodeKey(node.Id), JsonSerializer.Serialize(node, JsonSerializerOptions.Web), _settings.HeartbeatTimeout);
        await Db.SetAddAsync(NodesKey, node.Id);
        return !previous.IsNull;
    }

    /// <summary>
    /// Rewrites the node's heartbeat between beats (its load changed) only while it stands: a heartbeat that is gone
    /// is for <see cref="NodeHeartbeat"/> to notice and write again.
    /// </summary>
    public Task RefreshAsync(NodeRecord node) =>
        Db.StringSetAsync(NodeKey(node.Id), JsonSerializer.Serialize(node, JsonSerializerOptions.Web), _settings.HeartbeatTimeout, When.Exists);

    public async Task RemoveNodeAsync(string nodeId)
    {
        await Db.KeyDeleteAsync(NodeKey(nodeId));
        await Db.SetRemoveAsync(NodesKey, nodeId);
    }

    public async Task<bool> IsLiveAsync(string nodeId) => await Db.KeyExistsAsync(NodeKey(nodeId));

    public async Task<NodeRecord?> FindNodeAsync(string nodeId) => Parse(await Db.StringGetAsync(NodeKey(nodeId)));

    /// <summary>The nodes whose heartbeat has not expired; ids of expired ones are dropped from the set.</summary>
    public async Task<IReadOnlyList<NodeRecord>> LiveNodesAsync()
    {
        var ids = await Db.SetMembersAsync(NodesKey);
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await Db.StringGetAsync([.. ids.Select(id => (RedisKey)NodeKey(id!))]);
        var live = new List<NodeRecord>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            if (Parse(values[i]) is { } node)
            {
                live.Add(node);
            }
            else
            {
                // A node re-adds itself with each heartbeat, so dropping one that just came back costs a second at most.
                await Db.SetRemoveAsync(NodesKey, ids[i]);
            }
        }

        return live;
    }

    public async Task<string?> LeaseHolderAsync(string roomId) => await Db.StringGetAsync(RoomKey(roomId));

    /// <summary>Places an idle room (nobody holds its lease) on a node; false when someone placed it first.</summary>
    public Task<bool> TryPlaceAsync(string roomId, string nodeId) =>
        Db.StringSetAsync(RoomKey(roomId), nodeId, _settings.RoomLeaseTime, When.NotExists);

    public async Task<bool> TakeOverAsync(string roomId, string fromNodeId, string toNodeId) =>
        (long)await Db.ScriptEvaluateAsync(TakeOverScript, [RoomKey(roomId)], [fromNodeId, toNodeId, LeaseMilliseconds]) == 1;

    public async Task<bool> RenewAsync(string roomId, string nodeId) =>
        (long)await Db.ScriptEvaluateAsync(RenewScript, [RoomKey(roomId)], [nodeId, LeaseMilliseconds]) == 1;

    public Task ReleaseAsync(string roomId, string nodeId) =>
        Db.ScriptEvaluateAsync(ReleaseScript, [RoomKey(roomId)], [nodeId]);

    /// <summary>Answers when Redis does (for the readiness check).</summary>
    public Task<TimeSpan> PingAsync() => Db.PingAsync();

    /// <summary>The channel on which a node takes commands for the rooms it holds.</summary>
    public RedisChannel CommandChannel(string nodeId) => RedisChannel.Literal($"{_settings.RedisPrefix}:node:{nodeId}:commands");

    public Task PublishAsync(string nodeId, RoomCommand command) =>
        redis.GetSubscriber().PublishAsync(CommandChannel(nodeId), JsonSerializer.Serialize(command, JsonSerializerOptions.Web));

    private long LeaseMilliseconds => (long)_settings.RoomLeaseTime.TotalMilliseconds;

    private string NodesKey => _settings.RedisPrefix + ":nodes";

    private string NodeKey(string nodeId) => $"{_settings.RedisPrefix}:node:{nodeId}";

    private string RoomKey(string roomId) => $"{_settings.RedisPrefix}:room:{roomId}";

    private static NodeRecord? Parse(RedisValue value) =>
        value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<NodeRecord>(value.ToString(), JsonSerializerOptions.Web);
}
