using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Hubs;

/// <summary>A hub server on Kestrel over a fresh database from the shared database fixtures.</summary>
/// <param name="database">The database fixture.</param>
/// <param name="settings">Configuration on top of the database's (e.g. a feature switched on).</param>
public abstract class HubServerFixture(DatabaseFixture database, IReadOnlyDictionary<string, string>? settings = null) : IAsyncLifetime
{
    public HubServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        var configuration = new Dictionary<string, string>
        {
            ["Database:Provider"] = database.Provider,
            ["ConnectionStrings:Default"] = database.ConnectionString,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            configuration[key] = value;
        }

        Server = new HubServer(configuration);
    }

    public virtual async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        await database.DisposeAsync();
    }
}

public sealed class SqliteHubServerFixture() : HubServerFixture(new SqliteDatabaseFixture());

/// <summary>Needs <c>PARLEY_TEST_POSTGRES</c> (scripts/test.sh, or <c>source scripts/postgres.sh &amp;&amp; pg_start</c>).</summary>
public sealed class PostgresHubServerFixture() : HubServerFixture(new PostgresDatabaseFixture());

/// <summary>Settings of the reconnect grace tests: places held for 8 s (a reconnect on a loaded machine fits well within).</summary>
public static class ReconnectGraceSettings
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(8);

    public static readonly IReadOnlyDictionary<string, string> Values = new Dictionary<string, string>
    {
        ["Membership:ReconnectGrace"] = Grace.ToString(),
    };
}

public sealed class SqliteReconnectGraceFixture() : HubServerFixture(new SqliteDatabaseFixture(), ReconnectGraceSettings.Values);

/// <summary>Needs <c>PARLEY_TEST_POSTGRES</c>.</summary>
public sealed class PostgresReconnectGraceFixture() : HubServerFixture(new PostgresDatabaseFixture(), ReconnectGraceSettings.Values);
