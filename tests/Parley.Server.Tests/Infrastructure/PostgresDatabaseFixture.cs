using Npgsql;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// A fresh database in the PostgreSQL cluster named by <c>PARLEY_TEST_POSTGRES</c> (a superuser connection
/// string that scripts/test.sh exports), dropped afterwards.
/// </summary>
public sealed class PostgresDatabaseFixture : DatabaseFixture
{
    public const string EnvironmentVariable = "PARLEY_TEST_POSTGRES";

    private string? _adminConnectionString;
    private string? _databaseName;

    public override string Provider => "Postgres";

    public override async Task InitializeAsync()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(_adminConnectionString))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, so the PostgreSQL tests cannot run. Run them through scripts/test.sh, " +
                "or: source scripts/postgres.sh && pg_start && dotnet test tests/Parley.Server.Tests; pg_stop");
        }

        _databaseName = "parley_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_databaseName}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString)
        {
            Database = _databaseName,
            MaxPoolSize = 20,
        }.ConnectionString;
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_adminConnectionString is null || _databaseName is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
