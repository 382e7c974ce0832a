using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>
/// One fresh database (per test class) and the Parley app over it. Subclasses provide SQLite or a real
/// PostgreSQL; the same abstract test classes run on both.
/// </summary>
public abstract class DatabaseFixture : IAsyncLifetime
{
    private ParleyApp? _app;

    /// <summary>The <c>Database:Provider</c> value.</summary>
    public abstract string Provider { get; }

    /// <summary>The <c>ConnectionStrings:Default</c> value, valid after <see cref="InitializeAsync"/>.</summary>
    public string ConnectionString { get; protected set; } = string.Empty;

    /// <summary>The shared app for this fixture (high rate limits), started on first use.</summary>
    public ParleyApp App => _app ??= CreateApp();

    /// <summary>
    /// Another app instance over the same database (like a second server, or the same one restarted),
    /// with optional extra settings and service overrides. The caller disposes it.
    /// </summary>
    public ParleyApp CreateApp(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        new(Provider, ConnectionString, settings, services);

    public abstract Task InitializeAsync();

    protected abstract Task DropDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await DropDatabaseAsync();
    }
}

/// <summary>The Parley server in memory (TestServer) over a given database.</summary>
public sealed class ParleyApp(
    string provider,
    string connectionString,
    IReadOnlyDictionary<string, string?>? settings,
    Action<IServiceCollection>? services) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", provider);
        builder.UseSetting("ConnectionStrings:Default", connectionString);
        // Tests sign in a lot from one "client"; the rate-limit tests lower these again.
        builder.UseSetting("RateLimits:Auth:PermitLimit", "100000");
        builder.UseSetting("RateLimits:JoinCode:PermitLimit", "100000");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Media:Port", "0");
        builder.UseSetting("Media:WorkerCount", "1");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    /// <summary>A client that does not keep cookies unless asked (so bearer and cookie tests stay apart).</summary>
    public HttpClient CreateApiClient(bool handleCookies = false) =>
        CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = handleCookies, AllowAutoRedirect = false });
}
