using System.Text.Json;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Membership;

/// <summary>
/// Membership across a real PostgreSQL outage (a private cluster stopped and started mid-test): the rows heal
/// themselves once the database is back, and the row flags always end up equal to the real media.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    /// <summary>The contract's bound: the invariant holds again within 30 s of the database coming back.</summary>
    private static readonly TimeSpan HealedWithin = TimeSpan.FromSeconds(30);

    private PostgresCluster _cluster = null!;
    private HubServer _server = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        _server = new HubServer(new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = _cluster.ConnectionString,
            ["Membership:ReconcileInterval"] = "00:00:00.500",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_participant_who_disconnects_during_an_outage_is_gone_and_announced_once_the_database_is_back()
    {
        var (roomId, host, visitor) = await TwoInARoomAsync();
        await using var _ = host;

        await _cluster.StopServerAsync();
        var visitorConnection = visitor.Connection.ConnectionId!;
        await visitor.DisposeAsync();
        await _server.WaitForConnectionGoneAsync(visitorConnection);
        await _cluster.StartServerAsync();

        var left = await host.NextAsync("userLeft", TimeoutAfterRecovery);
        Assert.Equal(visitor.UserId, left.GetProperty("userId").GetString());
        Assert.Equal("left", left.GetProperty("reason").GetString());
        await WaitForRowsAsync(roomId, [$"{host.UserId}:host:False:False:False"]);
        // The host's connection lived through the outage and still works.
        var users = await host.InvokeAsync("getUsersInRoom", new { roomId });
        Assert.Equal([host.UserId], users.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("userId").GetString()));
    }

    [Fact]
    public async Task Pausing_a_producer_during_an_outage_ends_with_the_row_saying_what_the_media_does()
    {
        var (roomId, host, visitor) = await TwoInARoomAsync();
        await using var _ = host;
        await using var __ = visitor;
        var transportId = (await visitor.InvokeAsync("createWebRtcTransport", new { producing = true, consuming = false })).GetProperty("id").GetString()!;
        var producerId = (await visitor.InvokeAsync("produce", new
        {
            transportId,
            kind = "video",
            rtpParameters = MediaTestData.H264Producer().ToElement(),
            appData = new { source = "cam" },
        })).GetProperty("id").GetString()!;
        Assert.True((await host.NextAsync("userUpdated")).GetProperty("isCamActive").GetBoolean());
        await WaitForRowsAsync(roomId, [Row(host, "host", cam: false), Row(visitor, "participant", cam: true)]);

        await _cluster.StopServerAsync();
        // The media call takes effect (everyone is told the producer paused); the row follows later.
        await visitor.InvokeAsync("pauseProducer", new { producerId });
        Assert.Equal(producerId, (await host.NextAsync("producerPaused")).GetProperty("producerId").GetString());
        // updateUser reads the row first: during the outage it fails and changes nothing.
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => visitor.InvokeAsync("updateUser", new { isCamActive = true }));
        await _cluster.StartServerAsync();

        var updated = await host.NextAsync("userUpdated", TimeoutAfterRecovery);
        Assert.Equal(visitor.UserId, updated.GetProperty("userId").GetString());
        Assert.False(updated.GetProperty("isCamActive").GetBoolean());
        await WaitForRowsAsync(roomId, [Row(host, "host", cam: false), Row(visitor, "participant", cam: false)]);
        Assert.False(host.TryTake("producerResumed", out JsonElement _));

        // After recovery the flags follow the media as before.
        await visitor.InvokeAsync("resumeProducer", new { producerId });
        Assert.True((await host.NextAsync("userUpdated")).GetProperty("isCamActive").GetBoolean());
        await WaitForRowsAsync(roomId, [Row(host, "host", cam: false), Row(visitor, "participant", cam: true)]);
    }

    private static TimeSpan TimeoutAfterRecovery => HealedWithin;

    private static string Row(HubClient client, string role, bool cam) => $"{client.UserId}:{role}:False:{cam}:False";

    private async Task<(string RoomId, HubClient Host, HubClient Visitor)> TwoInARoomAsync()
    {
        var (roomId, host, visitor, _) = await _server.TwoInARoomAsync();
        return (roomId, host, visitor);
    }

    /// <summary>Like <see cref="HubServer.WaitForRowsAsync"/>, but a query that fails (the pool still holds connections
    /// from before the restart) is one more try, not a failure.</summary>
    private async Task WaitForRowsAsync(string roomId, IEnumerable<string> expected)
    {
        var want = expected.Order(StringComparer.Ordinal).ToList();
        var deadline = DateTime.UtcNow + HealedWithin;
        List<string>? rows = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                rows = await _server.RoomRowsAsync(roomId);
                if (rows.SequenceEqual(want))
                {
                    return;
                }
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
            {
                rows = null;
            }

            await Task.Delay(100);
        }

        Assert.Equal(want, rows);
    }
}
