using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Hubs;

/// <summary>A hub server on Kestrel over a fresh database from the shared database fixtures.</summary>
public abstract class HubServerFixture(DatabaseFixture database) : IAsyncLifetime
{
    public HubServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        Server = new HubServer(new Dictionary<string, string>
        {
            ["Database:Provider"] = database.Provider,
            ["ConnectionStrings:Default"] = database.ConnectionString,
        });
    }

    public async Task DisposeAsync()
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
