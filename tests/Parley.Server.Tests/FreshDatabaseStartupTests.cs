using Microsoft.EntityFrameworkCore;
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

        // Every migration the provider has applies on an empty database.
        await using var scope = app.Services.CreateAsyncScope();
        var migrations = scope.ServiceProvider.GetRequiredService<Parley.Data.ParleyDbContext>().Database.GetMigrations().Count();
        Assert.Contains(logs.Entries, e => e.Message.StartsWith("Database ready on", StringComparison.Ordinal) && e.Message.EndsWith($"applied {migrations} migration(s)", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
    }
}

public sealed class FreshDatabaseStartupSqliteTests(SqliteDatabaseFixture fixture) : FreshDatabaseStartupTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class FreshDatabaseStartupPostgresTests(PostgresDatabaseFixture fixture) : FreshDatabaseStartupTests(fixture), IClassFixture<PostgresDatabaseFixture>;
