using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

/// <summary>The first start on an empty database: migrations apply, and nothing alarming is logged on the way.</summary>
public abstract class FreshDatabaseStartupTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task The_first_start_migrates_and_logs_no_error()
    {
        var logs = new LogCapture();
        await using var app = fixture.CreateApp(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        using var client = app.CreateApiClient();
        var health = await client.GetAsync("/openapi/v1.json");
        health.EnsureSuccessStatusCode();

        Assert.Contains(logs.Entries, e => e.Message.StartsWith("Database ready on", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(e.Message, @"applied [1-9][0-9]* migration\(s\)$"));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
    }
}

public sealed class FreshDatabaseStartupSqliteTests(SqliteDatabaseFixture fixture) : FreshDatabaseStartupTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class FreshDatabaseStartupPostgresTests(PostgresDatabaseFixture fixture) : FreshDatabaseStartupTests(fixture), IClassFixture<PostgresDatabaseFixture>;
