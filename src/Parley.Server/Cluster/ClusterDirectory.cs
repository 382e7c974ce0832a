using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// The node registry and the room leases in Redis. A node's heartbeat is a key that expires
/// (<c>{prefix}:node:{id}</c>, JSON <see cref="NodeRecord"/>) plus its id in the set <c>{prefix}:nodes</c>; a node is
/// alive exactly while its key exists. A room's lease is <c>{prefix}:room:{roomId}</c> = the holding node's id,
/// with an expiry; every change to a lease is one atomic command or script, so two nodes never both win it.
/// A join asks in one round trip (<see cref="LocateAsync"/>) and places in one more; the scripts name node keys they
/// build from ids, which a single Redis (not Redis Cluster) allows.
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

    // A join's one look-up: the room's holder with its heartbeat, and when no live node holds it, every live node's
    // heartbeat to choose from (ids whose heartbeat expired are dropped from the set). Returns
    // {holder or '', holder's record or '', id, record, id, record, ...}; node keys are KEYS[3] .. id.
    private const string LocateScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder then
            local record = redis.call('GET', KEYS[3] .. holder)
            if record then return {holder, record} end
        end
        local result = {holder or '', ''}
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
            local record = redis.call('GET', KEYS[3] .. id)
            if record then
                table.insert(result, id)
                table.insert(result, record)
            else
                redis.call('SREM', KEYS[2], id)
            end
        end
        return result
        """;

    // Places an idle room (SET NX) or moves a dead node's lease (compare-and-set) and, when the room goes to the
    // caller, rewrites the caller's heartbeat with its new load in the same step (only while that heartbeat stands).
    // ARGV: expected holder ('' = nobody), new holder, lease ms, caller's heartbeat JSON ('' = not the caller), its ms.
    private const string PlaceScript = """
        local current = redis.call('GET', KEYS[1])
        if (ARGV[1] == '' and current) or (ARGV[1] ~= '' and current ~= ARGV[1]) then return 0 end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5], 'XX') end
        return 1
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

    /// <summary>
    /// Where a room lives, in one round trip: its holder while that node's heartbeat stands; otherwise the holder it
    /// names (a dead node, or null) and the live nodes.
    /// </summary>
    public async Task<RoomLocation> LocateAsync(string roomId)
    {
        var reply = (RedisValue[])(await Db.ScriptEvaluateAsync(LocateScript, [RoomKey(roomId), NodesKey, NodeKey(string.Empty)]))!;
        var holder = reply[0].IsNullOrEmpty ? null : reply[0].ToString();
        if (Parse(reply[1]) is { } holding)
        {
            return new RoomLocation(holder, holding, []);
        }

        var live = new List<NodeRecord>(reply.Length / 2);
        for (var i = 3; i < reply.Length; i += 2)
        {
            if (Parse(reply[i]) is { } node)
            {
                live.Add(node);
            }
        }

        return new RoomLocation(holder, null, live);
    }

    /// <summary>Places an idle room (nobody holds its lease) on a node; false when someone placed it first.</summary>
    /// <param name="self">The caller's heartbeat with the room counted, when the room goes to the caller.</param>
    public Task<bool> TryPlaceAsync(string roomId, string nodeId, NodeRecord? self = null) => PlaceAsync(roomId, string.Empty, nodeId, self);

    /// <summary>Moves a dead node's lease to another node; false when the lease changed meanwhile.</summary>
    /// <param name="self">The caller's heartbeat with the room counted, when the room goes to the caller.</param>
    public Task<bool> TakeOverAsync(string roomId, string fromNodeId, string toNodeId, NodeRecord? self = null) =>
        PlaceAsync(roomId, fromNodeId, toNodeId, self);

    private async Task<bool> PlaceAsync(string roomId, string fromNodeId, string toNodeId, NodeRecord? self) =>
        (long)await Db.ScriptEvaluateAsync(
            PlaceScript,
            [RoomKey(roomId), NodeKey(self?.Id ?? toNodeId)],
            [fromNodeId, toNodeId, LeaseMilliseconds, self is null ? string.Empty : JsonSerializer.Serialize(self, JsonSerializerOptions.Web),
             (long)_settings.HeartbeatTimeout.TotalMilliseconds]) == 1;

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
