using Npgsql;

namespace Parley.Server.Tests.Hubs;

/// <summary>A hub server on a fresh SQLite file database.</summary>
public sealed class SqliteHubServerFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parley-hub-").FullName;

    public HubServer Server { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Server = new HubServer(new Dictionary<string, string>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(_directory, "parley.db")}",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>A hub server on a fresh database in the PostgreSQL cluster that PARLEY_TEST_POSTGRES names.</summary>
public sealed class PostgresHubServerFixture : IAsyncLifetime
{
    private readonly string _database = "parley_hub_" + Guid.NewGuid().ToString("N")[..12];
    private string _admin = "";

    public HubServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _admin = Environment.GetEnvironmentVariable("PARLEY_TEST_POSTGRES")
            ?? throw new InvalidOperationException(
                "PARLEY_TEST_POSTGRES is not set: run `source scripts/postgres.sh && pg_start` (or scripts/test.sh) first.");
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(_admin) { Database = _database };
        Server = new HubServer(new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = builder.ConnectionString,
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
