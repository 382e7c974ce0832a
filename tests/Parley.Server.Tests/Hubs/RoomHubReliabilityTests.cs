using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// The room's reliability rules: <c>userLeft</c> says why, a call that changes nothing broadcasts nothing, a
/// connection's calls are rate-limited, and a graceful stop tells everyone and leaves no rows behind.
/// </summary>
public abstract class RoomHubReliabilityTests
{
    protected abstract HubServer Server { get; }

    /// <summary>A fresh database of the same provider, for tests that need a server of their own.</summary>
    protected abstract DatabaseFixture NewDatabase();

    [Fact]
    public async Task UserLeft_says_left_for_leaveRoom_and_for_a_closed_connection()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using var _ = host;
        await using (visitor)
        {
            await visitor.InvokeAsync("leaveRoom", new { });
            await AssertLeftAsync(host, guest, "left");

            await visitor.JoinAsync(roomId);
            await host.NextAsync("userJoined");
        }

        await AssertLeftAsync(host, guest, "left");
    }

    [Fact]
    public async Task UserLeft_says_removed_when_a_host_removes_someone()
    {
        var (_, host, visitor, guest) = await TwoInARoomAsync();
        await using var _ = host;
        await using var __ = visitor;

        await host.InvokeAsync("removeUser", new { userId = guest.UserId });

        await AssertLeftAsync(host, guest, "removed");
    }

    [Fact]
    public async Task UserLeft_says_ended_when_the_room_is_deleted()
    {
        var owner = await Server.RegisterAsync("Olaf");
        var (roomId, host, visitor, _) = await TwoInARoomAsync(owner);
        await using var _ = host;
        await using var __ = visitor;

        await Server.DeleteRoomAsync(owner, roomId);

        await AssertLeftAsync(visitor, owner, "ended");
        await visitor.NextAsync("roomClosed");
    }

    [Fact]
    public async Task UserLeft_says_disconnected_for_a_client_silent_past_the_client_timeout()
    {
        var owner = await Server.RegisterAsync("Hana");
        var guest = await Server.GuestAsync("Sid");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        // It pings once after the handshake and then not for ten minutes; the server's client timeout is 3 s.
        await using var silent = new HubClient(
            Server.BuildConnection(guest.Token, keepAlive: TimeSpan.FromMinutes(10), serverTimeout: TimeSpan.FromMinutes(20)),
            guest.UserId);
        await silent.Connection.StartAsync();
        await silent.JoinAsync(roomId);
        await host.NextAsync("userJoined");

        await AssertLeftAsync(host, guest, "disconnected");
    }

    [Fact]
    public async Task UpdateUser_that_changes_nothing_broadcasts_nothing()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using var _ = host;
        await using var __ = visitor;

        // Without producers the flags stay off whatever is asked: every one of these changes nothing.
        for (var i = 0; i < 5; i++)
        {
            var answer = await visitor.InvokeAsync("updateUser", new { isMicActive = i % 2 == 0, isCamActive = false });
            Assert.False(answer.GetProperty("isMicActive").GetBoolean());
        }

        await visitor.InvokeAsync("leaveRoom", new { });
        // userLeft was sent after every updateUser answer: a userUpdated would have arrived before it.
        await AssertLeftAsync(host, guest, "left");
        Assert.False(host.TryTake("userUpdated", out var update), $"Unexpected userUpdated {update}");
        Assert.Equal([$"{host.UserId}:host:False:False:False"], await Server.RoomRowsAsync(roomId));
    }

    [Fact]
    public async Task A_burst_of_calls_is_refused_past_the_limit_and_the_connection_lives_on()
    {
        var database = NewDatabase();
        await database.InitializeAsync();
        try
        {
            await using var server = StartServer(database, new()
            {
                ["Hub:RateLimit:Burst"] = "10",
                ["Hub:RateLimit:PermitsPerSecond"] = "1",
            });
            var owner = await server.RegisterAsync("Rita");
            var roomId = await server.CreateRoomAsync(owner);
            await using var client = await server.ConnectAsync(owner);
            await client.JoinAsync(roomId);

            var started = DateTime.UtcNow;
            var calls = Enumerable.Range(0, 100)
                .Select(i => client.Connection.InvokeAsync<System.Text.Json.JsonElement>("updateUser", new { isMicActive = i % 2 == 0 }))
                .ToList();
            var refusals = new List<string>();
            foreach (var call in calls)
            {
                try
                {
                    await call;
                }
                catch (Microsoft.AspNetCore.SignalR.HubException e)
                {
                    refusals.Add(e.Message);
                }
            }

            // The bucket held 10 and gains one a second while the burst is served: the rest is refused.
            var served = 100 - refusals.Count;
            var mostServed = 10 + (int)Math.Ceiling((DateTime.UtcNow - started).TotalSeconds) + 1;
            Assert.InRange(served, 10 - 1, mostServed); // joinRoom took one
            Assert.All(refusals, m => Assert.EndsWith("HubException: Too many requests, slow down", m));
            Assert.Equal("Connected", client.Connection.State.ToString());

            // Once the bucket refills the same connection is served again.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (true)
            {
                try
                {
                    await client.InvokeAsync("getUsersInRoom", new { roomId });
                    break;
                }
                catch (Microsoft.AspNetCore.SignalR.HubException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
            }
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_graceful_stop_tells_every_client_and_leaves_no_rows()
    {
        var database = NewDatabase();
        await database.InitializeAsync();
        try
        {
            await using var server = StartServer(database, []);
            var owner = await server.RegisterAsync("Stella");
            var guest = await server.GuestAsync("Gil");
            var lurker = await server.GuestAsync("Lou");
            var roomId = await server.CreateRoomAsync(owner);
            await using var host = await server.ConnectAsync(owner);
            await using var visitor = await server.ConnectAsync(guest);
            await using var idle = await server.ConnectAsync(lurker);
            await host.JoinAsync(roomId);
            await visitor.JoinAsync(roomId);
            var transportId = (await visitor.InvokeAsync("createWebRtcTransport", new { producing = true, consuming = false })).GetProperty("id").GetString()!;
            await visitor.InvokeAsync("produce", new { transportId, kind = "audio", rtpParameters = MediaTestData.OpusProducer().ToElement(), appData = new { source = "mic" } });
            Assert.Equal(2, (await server.RoomRowsAsync(roomId)).Count);

            // Like the web client, each closes its connection when told (the server waits for that before closing them).
            foreach (var client in new[] { host, visitor, idle })
            {
                client.Connection.On("serverShuttingDown", () => _ = client.Connection.StopAsync());
            }

            var media = server.Services.GetRequiredService<Parley.Server.RoomMedia.MediaRooms>();
            Assert.Single(media.FindRoom(roomId)!.Peers.Values, p => p.Producers.Count > 0);

            // What SIGTERM does: the host's lifetime starts stopping.
            server.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

            await host.NextAsync("serverShuttingDown");
            await visitor.NextAsync("serverShuttingDown");
            await idle.NextAsync("serverShuttingDown");
            // Read beside the stopping server: no row is left for the next start to sweep.
            Assert.Equal(0, await CountRoomUserRowsAsync(database));
            Assert.False(host.TryTake("userLeft", out _));
            Assert.True(media.FindRoom(roomId) is null || media.FindRoom(roomId)!.Peers.Count == 0);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }

    private static async Task<long> CountRoomUserRowsAsync(DatabaseFixture database)
    {
        await using System.Data.Common.DbConnection connection = database.Provider == "Sqlite"
            ? new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString)
            : new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM room_user";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static HubServer StartServer(DatabaseFixture database, Dictionary<string, string> settings)
    {
        settings["Database:Provider"] = database.Provider;
        settings["ConnectionStrings:Default"] = database.ConnectionString;
        return new HubServer(settings);
    }

    private static async Task AssertLeftAsync(HubClient observer, TestUser left, string reason)
    {
        var payload = await observer.NextAsync("userLeft");
        Assert.Equal(left.UserId, payload.GetProperty("userId").GetString());
        Assert.Equal(reason, payload.GetProperty("reason").GetString());
    }

    private Task<(string RoomId, HubClient Host, HubClient Visitor, TestUser Guest)> TwoInARoomAsync(TestUser? owner = null) =>
        Server.TwoInARoomAsync(owner);
}

public sealed class RoomHubReliabilitySqliteTests(SqliteHubServerFixture fixture) : RoomHubReliabilityTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;

    protected override DatabaseFixture NewDatabase() => new SqliteDatabaseFixture();
}

public sealed class RoomHubReliabilityPostgresTests(PostgresHubServerFixture fixture) : RoomHubReliabilityTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;

    protected override DatabaseFixture NewDatabase() => new PostgresDatabaseFixture();
}
