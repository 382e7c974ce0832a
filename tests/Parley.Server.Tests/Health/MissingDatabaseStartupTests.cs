using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Health;

/// <summary>
/// A configured PostgreSQL database that does not exist is created at start-up; when it cannot be (no CREATEDB
/// right), start-up ends with one clear log line and no stack trace.
/// </summary>
public sealed class MissingDatabaseStartupTests
{
    private static string Admin => Environment.GetEnvironmentVariable(PostgresDatabaseFixture.EnvironmentVariable)
        ?? throw new InvalidOperationException($"{PostgresDatabaseFixture.EnvironmentVariable} is not set (source scripts/postgres.sh && pg_start).");

    [Fact]
    public async Task A_database_that_does_not_exist_is_created_and_the_node_is_ready()
    {
        var name = "parley_fresh_" + Guid.NewGuid().ToString("N");
        var logs = new LogCapture();
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(Admin) { Database = name }.ConnectionString;
            await using (var app = new ParleyApp("Postgres", connection, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
                services => services.AddSingleton<ILoggerProvider>(logs)))
            {
                Assert.Equal(HttpStatusCode.OK, (await app.CreateApiClient().GetAsync("/health/ready")).StatusCode);
                await app.SignUpAsync();
            }

            Assert.Contains(logs.Entries, e => e.EventId == 1003 && e.Message.Contains(name, StringComparison.Ordinal));
            Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        }
        finally
        {
            await DropAsync(name);
        }
    }

    [Fact]
    public async Task Without_the_right_to_create_it_start_up_ends_with_one_clear_line()
    {
        var name = "parley_absent_" + Guid.NewGuid().ToString("N");
        var role = "parley_nocreate_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync($"CREATE ROLE \"{role}\" LOGIN NOCREATEDB");
        var logs = new LogCapture();
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(Admin) { Database = name, Username = role }.ConnectionString;
            await using var app = new ParleyApp("Postgres", connection, null, services => services.AddSingleton<ILoggerProvider>(logs));
            try
            {
                // Under the test host the entry point returns before the host runs; starting it may or may not throw.
                _ = app.Server;
            }
            catch (InvalidOperationException)
            {
            }

            var critical = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Error);
            Assert.Equal(LogLevel.Critical, critical.Level);
            Assert.Null(critical.Exception);
            Assert.Contains(name, critical.Message, StringComparison.Ordinal);
            Assert.Contains("CREATEDB", critical.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', critical.Message);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync($"DROP ROLE IF EXISTS \"{role}\"");
        }
    }

    private static async Task DropAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
