using System.Diagnostics;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Two Parley processes on one real PostgreSQL and one real Redis (the ones scripts/postgres.sh and scripts/redis.sh
/// start). The browsers open node A; the room is placed on node B, so their hubs are redirected there; then node B
/// is killed with SIGKILL and the browsers meet again on node A by themselves.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class ClusterFailoverTests(MeetingFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The goal is 10 s from the kill to everyone seeing each other; this bound leaves room for a loaded machine.</summary>
    private static readonly TimeSpan FailoverLimit = TimeSpan.FromSeconds(30);

    private readonly string _prefix = "parley-e2e-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _database = "parley_e2e_" + Guid.NewGuid().ToString("N");
    private string _admin = string.Empty;
    private string _redis = string.Empty;

    public Task InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES") ?? string.Empty;
        _redis = Environment.GetEnvironmentVariable("PARLEY_TEST_REDIS") ?? string.Empty;
        if (_admin.Length == 0 || _redis.Length == 0)
        {
            throw new InvalidOperationException(
                "PARLEY_TEST_POSTGRES and PARLEY_TEST_REDIS must be set: run through scripts/test.sh, or source scripts/postgres.sh and " +
                "scripts/redis.sh and call pg_start and redis_start first.");
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_admin.Length == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_meeting_redirected_to_another_node_continues_on_a_live_node_after_its_node_is_killed()
    {
        Dictionary<string, string> settingsA = [], settingsB = [];
        await using var nodeA = new ServerProcess(settingsA);
        await using var nodeB = new ServerProcess(settingsB);
        string urlA = nodeA.BaseAddress.ToString().TrimEnd('/'), urlB = nodeB.BaseAddress.ToString().TrimEnd('/');
        // Equal load is settled by the node id: the first room goes to "node-1", which is B.
        Configure(settingsA, "node-2", urlA, urlB);
        Configure(settingsB, "node-1", urlB, urlA);
        await nodeA.StartAsync();
        await nodeB.StartAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis);
        await WaitForRegisteredAsync(redis, "node-1", urlB);
        await WaitForRegisteredAsync(redis, "node-2", urlA);

        var log = new ServerLog();
        await using var alice = await fixture.OpenAsync("Alice", nodeA.BaseAddress, log);
        await using var bob = await fixture.OpenAsync("Bob", nodeA.BaseAddress, log);
        try
        {
            await alice.SignUpAsync();
            var joinCode = await alice.CreateRoomAsync();
            await alice.EnterCreatedRoomAsync();
            await bob.SignUpAsync();
            await bob.JoinByCodeAsync(joinCode);
            await alice.WaitForCameraAndMicAsync(bob);
            await bob.WaitForCameraAndMicAsync(alice);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{e.Message}\nAlice: {alice.ConsoleTail}\nBob: {bob.ConsoleTail}\nnode A:\n{Tail(nodeA.Output)}\nnode B:\n{Tail(nodeB.Output)}");
        }

        Assert.Equal(["node-1", "node-1"], await RowNodesAsync());

        var before = (await alice.ReceivedAsync()).Concat(await bob.ReceivedAsync()).Select(t => t.ConsumerId).ToHashSet();
        var clock = Stopwatch.StartNew();
        await nodeB.KillAsync();

        // Both pages come back through node A, are placed there once B's heartbeat expires, and consume anew.
        await WaitForNewMediaAsync(alice, bob, before);
        await WaitForNewMediaAsync(bob, alice, before);
        var failover = clock.Elapsed;
        output.WriteLine($"Failover: {failover.TotalSeconds:0.0} s from SIGKILL of the room's node to both pages decoding each other's camera and hearing the microphone again");
        Assert.True(failover < FailoverLimit, $"Failover took {failover.TotalSeconds:0.0} s");
        // The dead node's rows are gone; the two people are in the room once each, on node A.
        Assert.Equal(["node-2", "node-2"], await RowNodesAsync());
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(30));

    private void Configure(Dictionary<string, string> settings, string id, string url, string otherUrl)
    {
        settings["Database__Provider"] = "Postgres";
        settings["ConnectionStrings__Default"] = new NpgsqlConnectionStringBuilder(_admin) { Database = _database }.ConnectionString;
        settings["ConnectionStrings__Redis"] = _redis;
        settings["Node__Id"] = id;
        settings["Node__PublicUrl"] = url;
        settings["Node__AllowedOrigins__0"] = otherUrl;
        settings["Node__RedisPrefix"] = _prefix;
    }

    private static async Task WaitForNewMediaAsync(Participant viewer, Participant sender, HashSet<string> old) =>
        await viewer.WaitForReceivedAsync(
            sender,
            tracks => tracks.Any(t => t is { Kind: "video", Source: "cam", FramesDecoded: > 0 } && !old.Contains(t.ConsumerId))
                && tracks.Any(t => t is { Kind: "audio", Source: "mic", PacketsReceived: > 0 } && !old.Contains(t.ConsumerId)),
            "camera frames and microphone packets on new consumers",
            FailoverLimit);

    private async Task WaitForRegisteredAsync(ConnectionMultiplexer redis, string nodeId, string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!((string?)await redis.GetDatabase().StringGetAsync($"{_prefix}:node:{nodeId}") ?? string.Empty).Contains(url, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Node {nodeId} did not register at {url}");
            await Task.Delay(100);
        }
    }

    private async Task<List<string>> RowNodesAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { Database = _database, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT node_id FROM room_user ORDER BY node_id", connection);
        var nodes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            nodes.Add(reader.GetString(0));
        }

        return nodes;
    }
}
