using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Health;

/// <summary><c>/health/live</c>, <c>/health/ready</c> (database, media port, not shutting down) and the <c>/healthz</c> alias.</summary>
public abstract class HealthEndpointTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task Live_and_ready_are_200_on_a_running_node_with_each_check_named()
    {
        var client = fixture.App.CreateApiClient();
        foreach (var path in new[] { "/health/live", "/healthz" })
        {
            var live = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal("Healthy", (await live.ReadJsonAsync()).GetProperty("status").GetString());
        }

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.ReadJsonAsync()).GetProperty("checks");
        foreach (var name in new[] { "database", "media-port", "takes-rooms" })
        {
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Ready_is_503_from_the_moment_the_node_begins_to_stop()
    {
        // A hosted service registered last is stopped first, while the server still answers: hold the stop there.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = fixture.CreateApp(services: services => services.AddHostedService(_ => new HeldStop(gate.Task)));
        var client = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        try
        {
            var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("Unhealthy", (await ready.ReadJsonAsync()).GetProperty("checks").GetProperty("takes-rooms").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            gate.SetResult();
        }
    }

    private sealed class HeldStop(Task gate) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => gate.WaitAsync(cancellationToken);
    }
}

public sealed class HealthEndpointSqliteTests(SqliteDatabaseFixture fixture) : HealthEndpointTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class HealthEndpointPostgresTests(PostgresDatabaseFixture fixture) : HealthEndpointTests(fixture), IClassFixture<PostgresDatabaseFixture>;
