using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Health;

/// <summary>
/// The database goes away mid-test and comes back: requests that need it answer 503 with <c>Retry-After</c>
/// (problem+json), never 500; <c>/health/ready</c> says 503 and <c>/health/live</c> 200; afterwards all is well.
/// </summary>
public abstract class DatabaseOutageTests : IAsyncLifetime
{
    protected ParleyApp App { get; set; } = null!;

    protected abstract Task CutAsync();

    protected abstract Task RestoreAsync();

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task Requests_answer_503_with_Retry_After_while_the_database_is_away_and_work_again_after()
    {
        var user = await App.SignUpAsync();
        var cookie = App.CreateApiClient(handleCookies: true);
        var email = Api.UniqueEmail();
        await cookie.PostAsJsonAsync("/api/auth/register", new { email, password = "long enough", name = "Cookie" });
        Assert.Equal(HttpStatusCode.NoContent, (await cookie.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = "long enough" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/rooms")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await App.CreateApiClient().GetAsync("/health/ready")).StatusCode);

        await CutAsync();

        await AssertUnavailableAsync(await user.Client.GetAsync("/api/rooms"));
        await AssertUnavailableAsync(await user.Client.PostAsJsonAsync("/api/rooms/create", new { name = "During the outage" }));
        await AssertUnavailableAsync(await App.CreateApiClient().PostAsJsonAsync("/api/auth/login", new { email, password = "long enough" }));
        // A cookie is checked against the database on every request.
        await AssertUnavailableAsync(await cookie.GetAsync("/api/auth/me"));
        var ready = await App.CreateApiClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", (await ready.ReadJsonAsync()).GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await App.CreateApiClient().GetAsync("/health/live")).StatusCode);

        await RestoreAsync();

        // A pooled connection broken by the cut may fail once more; that one is a 503 too, never a 500.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HttpResponseMessage list;
        while ((list = await user.Client.GetAsync("/api/rooms")).StatusCode != HttpStatusCode.OK)
        {
            await AssertUnavailableAsync(list);
            Assert.True(DateTime.UtcNow < deadline, "The API did not recover after the database came back.");
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.Created, (await user.Client.PostAsJsonAsync("/api/rooms/create", new { name = "After the outage" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cookie.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await App.CreateApiClient().GetAsync("/health/ready")).StatusCode);
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("database", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "No Retry-After on a 503.");
    }
}

/// <summary>SQLite: the database file's directory is moved away (the file cannot be opened), then back.</summary>
public sealed class DatabaseOutageSqliteTests : DatabaseOutageTests
{
    private string _directory = null!;

    private string Away => _directory + "-away";

    public override Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("parley-outage-").FullName;
        App = new ParleyApp("Sqlite", $"Data Source={Path.Combine(_directory, "parley.db")}", null, null);
        return Task.CompletedTask;
    }

    protected override Task CutAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Move(_directory, Away);
        return Task.CompletedTask;
    }

    protected override Task RestoreAsync()
    {
        Directory.Move(Away, _directory);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var directory in new[] { _directory, Away })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}

/// <summary>PostgreSQL: the app reaches the test cluster through a relay that is cut (connections reset and refused), then restored.</summary>
public sealed class DatabaseOutagePostgresTests : DatabaseOutageTests
{
    private readonly PostgresDatabaseFixture _database = new();
    private TcpProxy _proxy = null!;

    public override async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var direct = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        var target = (await Dns.GetHostAddressesAsync(direct.Host!)).First();
        _proxy = new TcpProxy(new IPEndPoint(target, direct.Port));
        var proxied = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Host = "127.0.0.1", Port = _proxy.Port, Timeout = 5 };
        App = new ParleyApp("Postgres", proxied.ConnectionString, null, null);
    }

    protected override Task CutAsync() => _proxy.CutAsync();

    protected override Task RestoreAsync()
    {
        _proxy.Restore();
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _proxy.DisposeAsync();
        await _database.DisposeAsync();
    }
}
