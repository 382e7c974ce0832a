using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Parley.Server.Tests.Hubs;

/// <summary>Everything the hub must refuse: connections without identity, calls out of place, bad input.</summary>
public abstract class RoomHubRefusalTests
{
    protected abstract HubServer Server { get; }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    public async Task A_connection_without_a_valid_token_is_refused(string? token)
    {
        await using var connection = Server.BuildConnection(token);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task A_websocket_without_a_valid_token_is_refused_at_the_upgrade()
    {
        await using var connection = Server.BuildConnection("not-a-token", options => options.SkipNegotiation = true);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());

        Assert.Contains("401", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_session_cookie_is_accepted_too()
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = Server.BaseAddress };
        using var login = await http.PostAsJsonAsync("/api/auth/guest?useCookies=true", new { name = "Cookie monster" });
        login.EnsureSuccessStatusCode();
        var owner = await Server.RegisterAsync("Cookie host");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var connection = Server.BuildConnection(token: null, options => options.Cookies = cookies);
        var client = new HubClient(connection, "cookie");

        await connection.StartAsync();
        var joined = await client.JoinAsync(roomId);

        Assert.Equal("Cookie monster", joined.GetProperty("self").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_userId_in_the_payload_is_ignored()
    {
        var owner = await Server.RegisterAsync("Real owner");
        var impostor = await Server.GuestAsync("Impostor");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var client = await Server.ConnectAsync(impostor);

        var joined = await client.InvokeAsync("joinRoom", new { roomId, userId = owner.UserId, token = "x" });

        Assert.Equal(impostor.UserId, joined.GetProperty("self").GetProperty("userId").GetString());
        Assert.Equal("participant", joined.GetProperty("self").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Calls_out_of_place_are_refused()
    {
        var owner = await Server.RegisterAsync("Host");
        var guest = await Server.GuestAsync("Participant");
        var bystander = await Server.GuestAsync("Bystander");
        var roomId = await Server.CreateRoomAsync(owner);
        var otherRoom = await Server.CreateRoomAsync(await Server.RegisterAsync("Elsewhere"));
        await using var host = await Server.ConnectAsync(owner);
        await using var visitor = await Server.ConnectAsync(guest);
        await using var outsider = await Server.ConnectAsync(bystander);
        await host.JoinAsync(roomId);
        await visitor.JoinAsync(roomId);
        var before = await Server.MembershipSnapshotAsync();

        Assert.Equal("Join a room first", await outsider.RefusedAsync("updateUser", new { isMicActive = true }));
        Assert.Equal("Not a member of this room", await outsider.RefusedAsync("getUsersInRoom", new { roomId }));
        Assert.Equal("Not a member of this room", await visitor.RefusedAsync("getUsersInRoom", new { roomId = otherRoom }));
        Assert.Equal("Join a room first", await outsider.RefusedAsync("admitUser", new { userId = guest.UserId }));
        foreach (var method in new[] { "admitUser", "denyUser", "removeUser" })
        {
            Assert.Equal("Only the host of this room can do that", await visitor.RefusedAsync(method, new { userId = owner.UserId }));
        }

        Assert.Equal("The host cannot remove themselves; call leaveRoom to leave", await host.RefusedAsync("removeUser", new { userId = owner.UserId }));
        Assert.Equal("That user is not in this room", await host.RefusedAsync("removeUser", new { userId = bystander.UserId }));
        Assert.Equal("User not found", await host.RefusedAsync("admitUser", new { userId = "nosuchuser000000000000000" }));
        Assert.Equal(before, await Server.MembershipSnapshotAsync());
    }

    public static TheoryData<string, string, string> BadInput => new()
    {
        { "joinRoom", "null", "joinRoom takes one object argument, not null" },
        { "joinRoom", "\"abc\"", "joinRoom takes one object argument, not a string" },
        { "joinRoom", "{}", "joinRoom: roomId is required" },
        { "joinRoom", """{"roomId":12}""", "joinRoom: roomId must be a string, not a number" },
        { "joinRoom", """{"roomId":""}""", "joinRoom: roomId must not be empty" },
        { "joinRoom", """{"roomId":"nosuchroom00000000000000"}""", "Room not found" },
        { "joinRoom", $$"""{"roomId":"{{new string('a', 65)}}"}""", "joinRoom: roomId is too long (at most 64 characters)" },
        { "joinRoom", """{"roomId":"../../etc"}""", "joinRoom: roomId is not a valid id (letters, digits, '-' and '_' only)" },
        { "createRoom", "[]", "createRoom takes one object argument, not an array" },
        { "createRoom", """{"roomId":"nosuchroom00000000000000"}""", "Room not found" },
        { "createRoom", """{"roomId":true}""", "createRoom: roomId must be a string, not a boolean" },
        { "leaveRoom", "null", "leaveRoom takes one object argument, not null" },
        { "getUsersInRoom", "{}", "getUsersInRoom: roomId is required" },
        { "getUsersInRoom", """{"roomId":"nosuchroom00000000000000"}""", "Not a member of this room" },
        { "updateUser", "null", "updateUser takes one object argument, not null" },
        { "updateUser", """{"isMicActive":"yes"}""", "updateUser: isMicActive must be true or false, not a string" },
        { "updateUser", """{"isCamActive":1}""", "updateUser: isCamActive must be true or false, not a number" },
        { "admitUser", "{}", "admitUser: userId is required" },
        { "denyUser", """{"userId":{}}""", "denyUser: userId must be a string, not an object" },
        { "removeUser", "7", "removeUser takes one object argument, not a number" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_is_refused_with_a_clear_message_and_changes_nothing(string method, string json, string message)
    {
        var owner = await Server.RegisterAsync("Host");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        await host.InvokeAsync("updateUser", new { isMicActive = true });
        var before = await Server.MembershipSnapshotAsync();

        var reason = await host.RefusedAsync(method, JsonDocument.Parse(json).RootElement);

        Assert.Equal(message, reason);
        Assert.Equal(before, await Server.MembershipSnapshotAsync());
        // The connection is still usable and still in its room.
        Assert.Single((await host.InvokeAsync("getUsersInRoom", new { roomId })).GetProperty("users").EnumerateArray());
    }

    [Fact]
    public async Task Update_user_refused_by_type_keeps_the_other_flags_as_they_were()
    {
        var owner = await Server.RegisterAsync("Host");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);

        await host.RefusedAsync("updateUser", JsonDocument.Parse("""{"isMicActive":true,"isCamActive":"on"}""").RootElement);

        Assert.Equal([$"{owner.UserId}:host:False:False:False"], await Server.RoomRowsAsync(roomId));
    }

    [Fact]
    public async Task A_message_over_the_size_limit_closes_the_connection_and_cleans_up()
    {
        var owner = await Server.RegisterAsync("Host");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        var closed = new TaskCompletionSource();
        host.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<Exception>(() => host.InvokeAsync("updateUser", new { padding = new string('x', 100_000) }));

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Server.WaitForRowsAsync(roomId, []);
    }
}

public sealed class RoomHubRefusalSqliteTests(SqliteHubServerFixture fixture) : RoomHubRefusalTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class RoomHubRefusalPostgresTests(PostgresHubServerFixture fixture) : RoomHubRefusalTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
