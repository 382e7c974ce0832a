using System.Net;
using System.Text.RegularExpressions;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// The Parley.Server meter is per app, but an OpenTelemetry listener subscribes to meters by name, which may take in the
/// meters of other test servers in the process: these tests run alone, so that no other server's participants can
/// show in this one's scrape.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}

/// <summary>A hub server with the Prometheus endpoint on, over a fresh database.</summary>
public abstract class MetricsHubServerFixture(DatabaseFixture database)
    : HubServerFixture(database, new Dictionary<string, string> { ["Telemetry:Prometheus:Enabled"] = "true" });

public sealed class SqliteMetricsHubServerFixture() : MetricsHubServerFixture(new SqliteDatabaseFixture());

public sealed class PostgresMetricsHubServerFixture() : MetricsHubServerFixture(new PostgresDatabaseFixture());

public abstract class MetricsEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    protected abstract HubServer Server { get; }

    [Fact]
    public async Task Metrics_shows_participants_rooms_and_media_once_two_join_and_one_produces()
    {
        var owner = await Server.RegisterAsync("Owner");
        var guest = await Server.GuestAsync("Guest");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await using var visitor = await Server.ConnectAsync(guest);
        await host.InvokeAsync("createRoom", new { roomId });
        await host.JoinAsync(roomId);
        await visitor.JoinAsync(roomId);
        var transport = await visitor.InvokeAsync("createWebRtcTransport", new { producing = true, consuming = false });
        await visitor.InvokeAsync("produce", new
        {
            transportId = transport.GetProperty("id").GetString(),
            kind = "audio",
            rtpParameters = MediaTestData.OpusProducer().ToElement(),
            appData = new { source = "mic" },
        });

        // Media values come from snapshots the workers refresh every second.
        var text = await ScrapeUntilAsync(t =>
            Value(t, "parley_participants") == 2 && Value(t, "parley_rooms_active") == 1
            && Value(t, "parley_media_producers", "kind=\"audio\"") >= 1 && Value(t, "parley_media_transports", "kind=\"webrtc\"") >= 1);

        Assert.Equal(0, Value(text, "parley_waiting"));
        Assert.True(Value(text, "parley_hub_joins_total") >= 2, text);
        Assert.True(Value(text, "parley_media_workers") >= 1, text);
        Assert.Matches(MetricLine("parley_media_rtp_packets_received_total"), text);
        Assert.Matches(MetricLine("parley_media_packets_dropped_total"), text);
        Assert.Contains("# TYPE parley_participants gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leaving_lowers_participants_and_counts_a_leave()
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner);
        await using (var host = await Server.ConnectAsync(owner))
        {
            await host.InvokeAsync("createRoom", new { roomId });
            await host.JoinAsync(roomId);
            await ScrapeUntilAsync(t => Value(t, "parley_participants") == 1);
            await host.InvokeAsync("leaveRoom", new { });
        }

        var text = await ScrapeUntilAsync(t => Value(t, "parley_participants") == 0 && Value(t, "parley_hub_leaves_total", "reason=\"left\"") >= 1);
        Assert.Equal(0, Value(text, "parley_rooms_active"));
    }

    private async Task<string> ScrapeUntilAsync(Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await Server.Http.GetAsync("/metrics");
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (condition(text))
            {
                return text;
            }

            Assert.True(DateTime.UtcNow < deadline, "The scrape never showed what was expected:\n" + text);
            await Task.Delay(100);
        }
    }

    /// <summary>The sample of <paramref name="metric"/> whose labels include <paramref name="label"/>; -1 when absent.</summary>
    private static double Value(string text, string metric, string? label = null)
    {
        foreach (Match match in MetricLine(metric).Matches(text))
        {
            if (label is null || match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
            {
                return double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static Regex MetricLine(string metric) =>
        new($@"^{Regex.Escape(metric)}(?:\{{(?<labels>[^}}]*)\}})? (?<value>[-+0-9.eE]+|NaN)(?: \d+)?$", RegexOptions.Multiline);
}

[Collection(MetricsCollection.Name)]
public sealed class MetricsEndpointSqliteTests(SqliteMetricsHubServerFixture fixture) : MetricsEndpointTests, IClassFixture<SqliteMetricsHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

[Collection(MetricsCollection.Name)]
public sealed class MetricsEndpointPostgresTests(PostgresMetricsHubServerFixture fixture) : MetricsEndpointTests, IClassFixture<PostgresMetricsHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

/// <summary>Without <c>Telemetry:Prometheus:Enabled</c> there is no <c>/metrics</c>: a 404 problem like any unknown path.</summary>
public abstract class MetricsEndpointOffTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task Metrics_is_not_served_by_default()
    {
        using var client = fixture.App.CreateApiClient();
        await (await client.GetAsync("/metrics")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class MetricsEndpointOffSqliteTests(SqliteDatabaseFixture fixture) : MetricsEndpointOffTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class MetricsEndpointOffPostgresTests(PostgresDatabaseFixture fixture) : MetricsEndpointOffTests(fixture), IClassFixture<PostgresDatabaseFixture>;
