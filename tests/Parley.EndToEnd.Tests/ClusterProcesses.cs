using Npgsql;
using StackExchange.Redis;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Several Parley processes as one cluster on the real PostgreSQL and Redis that scripts/postgres.sh and
/// scripts/redis.sh start: a database and a Redis key prefix of the test's own, node ids given by the test (equal load
/// is settled by the id, so the test knows where the first room goes), and each node allowing the others' pages to
/// open its hub. The database is dropped at the end.
/// </summary>
public sealed class ClusterProcesses : IAsyncDisposable
{
    private readonly string _prefix = "parley-e2e-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _database = "parley_e2e_" + Guid.NewGuid().ToString("N");
    private readonly string _admin;
    private readonly string _redis;
    private readonly List<(ServerProcess Process, string Id)> _nodes = [];

    public ClusterProcesses()
    {
        _admin = Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES") ?? string.Empty;
        _redis = Environment.GetEnvironmentVariable("PARLEY_TEST_REDIS") ?? string.Empty;
        if (_admin.Length == 0 || _redis.Length == 0)
        {
            throw new InvalidOperationException(
                "PARLEY_TEST_POSTGRES and PARLEY_TEST_REDIS must be set: run through scripts/test.sh, or source scripts/postgres.sh and " +
                "scripts/redis.sh and call pg_start and redis_start first.");
        }
    }

    /// <summary>Starts one process per id, one after another (the first migrates the database), and waits until every one is registered.</summary>
    public async Task<IReadOnlyList<ServerProcess>> StartAsync(params string[] nodeIds)
    {
        var settings = nodeIds.Select(_ => new Dictionary<string, string>()).ToList();
        var started = settings.Select((s, i) => (Process: new ServerProcess(s), Id: nodeIds[i])).ToList();
        _nodes.AddRange(started);
        var urls = started.Select(n => Url(n.Process)).ToList();
        for (var i = 0; i < started.Count; i++)
        {
            Configure(settings[i], nodeIds[i], urls[i], urls.Where((_, j) => j != i));
        }

        foreach (var (process, _) in started)
        {
            await process.StartAsync();
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_redis);
        foreach (var (process, id) in started)
        {
            await WaitForRegisteredAsync(redis, id, Url(process));
        }

        return [.. started.Select(n => n.Process)];
    }

    /// <summary>The node id of every <c>room_user</c> row, in order.</summary>
    public async Task<List<string>> RowNodesAsync()
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

    /// <summary>The last lines of every node's output, for a failure message.</summary>
    public string Tails() =>
        string.Join('\n', _nodes.Select(n => $"node {n.Id}:\n{string.Join('\n', n.Process.Output.Split('\n').TakeLast(30))}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _) in _nodes)
        {
            await process.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static string Url(ServerProcess process) => process.BaseAddress.ToString().TrimEnd('/');

    private void Configure(Dictionary<string, string> settings, string id, string url, IEnumerable<string> otherUrls)
    {
        settings["Database__Provider"] = "Postgres";
        settings["ConnectionStrings__Default"] = new NpgsqlConnectionStringBuilder(_admin) { Database = _database }.ConnectionString;
        settings["ConnectionStrings__Redis"] = _redis;
        settings["Node__Id"] = id;
        settings["Node__PublicUrl"] = url;
        settings["Node__RedisPrefix"] = _prefix;
        foreach (var (other, i) in otherUrls.Select((o, i) => (o, i)))
        {
            settings[$"Node__AllowedOrigins__{i}"] = other;
        }
    }

    private async Task WaitForRegisteredAsync(ConnectionMultiplexer redis, string nodeId, string url)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!((string?)await redis.GetDatabase().StringGetAsync($"{_prefix}:node:{nodeId}") ?? string.Empty).Contains(url, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Node {nodeId} did not register at {url}");
            await Task.Delay(100);
        }
    }
}
