using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Server.Cluster;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Infrastructure;
using StackExchange.Redis;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// Several real servers (Kestrel on loopback) on one fresh PostgreSQL database and the test Redis that
/// scripts/redis.sh starts (<c>PARLEY_TEST_REDIS</c>), under a key prefix of their own so that test classes never
/// see each other's nodes. Nodes beat every 200 ms and are dead after 1.5 s of silence. A test that restarts Redis
/// passes a Redis of its own.
/// </summary>
public sealed class ClusterNodes(string? redis = null) : IAsyncLifetime
{
    public const string RedisVariable = "PARLEY_TEST_REDIS";

    private readonly PostgresDatabaseFixture _database = new();
    private readonly List<HubServer> _nodes = [];

    public string Prefix { get; } = "parley-test-" + Guid.NewGuid().ToString("N")[..8];

    public string Redis { get; } = redis ?? (Environment.GetEnvironmentVariable(RedisVariable) is { Length: > 0 } shared
        ? shared
        : throw new InvalidOperationException(
            $"{RedisVariable} is not set, so the several-node tests cannot run. Run them through scripts/test.sh, or: " +
            "source scripts/redis.sh && redis_start (and scripts/postgres.sh pg_start) first."));

    public async Task InitializeAsync() => await _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    /// <summary>Starts a node with this id (its public URL is where it listens).</summary>
    public HubServer Start(string nodeId, IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = _database.Provider,
            ["ConnectionStrings:Default"] = _database.ConnectionString,
            ["ConnectionStrings:Redis"] = Redis,
            ["Node:Id"] = nodeId,
            ["Node:RedisPrefix"] = Prefix,
            ["Node:HeartbeatInterval"] = "00:00:00.200",
            ["Node:HeartbeatTimeout"] = "00:00:01.500",
            ["Node:RoomLeaseTime"] = "00:00:05",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var node = new HubServer(settings);
        _nodes.Add(node);
        return node;
    }

    /// <summary>The registry as a node sees it.</summary>
    internal static ClusterDirectory Directory(HubServer node) => node.Services.GetRequiredService<ClusterDirectory>();

    /// <summary>Waits until every node named is alive in the registry with its address.</summary>
    public static async Task WaitForNodesAsync(HubServer observer, params HubServer[] nodes)
    {
        var want = nodes.Select(n => n.BaseAddress.ToString().TrimEnd('/')).Order().ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var live = (await Directory(observer).LiveNodesAsync()).Select(n => n.PublicUrl).Order().ToList();
            if (want.All(live.Contains))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Live nodes: {string.Join(", ", live)}; waiting for {string.Join(", ", want)}");
            await Task.Delay(50);
        }
    }

    /// <summary>A registry entry for a node that is not running, which lives as long as <paramref name="lifetime"/>.</summary>
    public async Task PretendNodeAsync(string nodeId, TimeSpan lifetime)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis);
        var directory = new ClusterDirectory(redis, Options.Create(new ClusterSettings { RedisPrefix = Prefix, HeartbeatTimeout = lifetime }));
        await directory.HeartbeatAsync(new NodeRecord(nodeId, "http://127.0.0.1:9", "127.0.0.1:9", 0, 0));
    }
}
