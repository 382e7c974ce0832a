using System.Text.Json;

namespace Parley.Server.Tests.Hubs;

/// <summary>The room half of the hub end to end: the seed's flow, leaving, removal, replacement, deletion.</summary>
public abstract class RoomHubFlowTests
{
    protected abstract HubServer Server { get; }

    [Fact]
    public async Task Seed_flow_create_join_list_update_disconnect()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var guest = await Server.GuestAsync("Gus");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);
        await using var visitor = await Server.ConnectAsync(guest);

        var created = await host.InvokeAsync("createRoom", new { roomId });
        Assert.Equal(roomId, created.GetProperty("roomId").GetString());

        var hostJoin = await host.JoinAsync(roomId);
        Assert.Equal("joined", hostJoin.GetProperty("status").GetString());
        Assert.Equal(roomId, hostJoin.GetProperty("room").GetProperty("id").GetString());
        Assert.Equal(owner.UserId, hostJoin.GetProperty("room").GetProperty("ownerId").GetString());
        Assert.Equal("host", hostJoin.GetProperty("self").GetProperty("role").GetString());
        Assert.Equal("Olivia", hostJoin.GetProperty("self").GetProperty("name").GetString());
        Assert.Equal([owner.UserId], UserIds(hostJoin.GetProperty("users")));
        Assert.Empty(hostJoin.GetProperty("producers").EnumerateArray());
        var codecs = hostJoin.GetProperty("routerRtpCapabilities").GetProperty("codecs").EnumerateArray().ToList();
        Assert.Contains(codecs, c => c.GetProperty("mimeType").GetString() == "audio/opus");
        Assert.Contains(codecs, c => c.GetProperty("mimeType").GetString() == "video/VP8");
        Assert.NotEmpty(hostJoin.GetProperty("routerRtpCapabilities").GetProperty("headerExtensions").EnumerateArray());

        var visitorJoin = await visitor.JoinAsync(roomId);
        Assert.Equal("participant", visitorJoin.GetProperty("self").GetProperty("role").GetString());
        Assert.Equal(new[] { guest.UserId, owner.UserId }.Order(), UserIds(visitorJoin.GetProperty("users")).Order());
        var joined = await host.NextAsync("userJoined");
        Assert.Equal(guest.UserId, joined.GetProperty("userId").GetString());
        Assert.Equal("Gus", joined.GetProperty("name").GetString());
        Assert.Equal(roomId, joined.GetProperty("roomId").GetString());

        var listed = await host.InvokeAsync("getUsersInRoom", new { roomId });
        Assert.Equal(new[] { owner.UserId, guest.UserId }.Order(), UserIds(listed.GetProperty("users")).Order());

        // The flags are what the server forwards: without a mic producer, asking for a live mic stores false
        // (RoomHubMediaTests covers the flags with producers), and a change to nothing is not broadcast.
        var updated = await visitor.InvokeAsync("updateUser", new { isMicActive = true, isCamActive = false });
        Assert.False(updated.GetProperty("isMicActive").GetBoolean());
        Assert.False(updated.GetProperty("isCamActive").GetBoolean());
        Assert.Equal(guest.UserId, updated.GetProperty("userId").GetString());
        await AssertRowsAsync(roomId, $"{guest.UserId}:participant:False:False:False", $"{owner.UserId}:host:False:False:False");

        await visitor.Connection.StopAsync();

        var left = await host.NextAsync("userLeft");
        Assert.Equal(guest.UserId, left.GetProperty("userId").GetString());
        Assert.False(host.TryTake("userUpdated", out _));
        Assert.Equal([$"{owner.UserId}:host:False:False:False"], await Server.RoomRowsAsync(roomId));
    }

    [Fact]
    public async Task Timestamps_are_iso_utc_and_ids_are_the_contracts()
    {
        var owner = await Server.RegisterAsync("Tess");
        var roomId = await Server.CreateRoomAsync(owner);
        await using var host = await Server.ConnectAsync(owner);

        var self = (await host.JoinAsync(roomId)).GetProperty("self");

        Assert.EndsWith("Z", self.GetProperty("createdAt").GetString());
        Assert.EndsWith("Z", self.GetProperty("updatedAt").GetString());
        Assert.Matches("^[a-z][a-z0-9]{23,31}$", self.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task Leave_room_tells_the_others_and_removes_the_row()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var result = await visitor.InvokeAsync("leaveRoom", new { });

            Assert.Equal(JsonValueKind.Object, result.ValueKind);
            Assert.Empty(result.EnumerateObject());
            Assert.Equal(guest.UserId, (await host.NextAsync("userLeft")).GetProperty("userId").GetString());
            Assert.DoesNotContain(await Server.RoomRowsAsync(roomId), r => r.StartsWith(guest.UserId, StringComparison.Ordinal));
            Assert.Equal("Join a room first", await visitor.RefusedAsync("updateUser", new { isMicActive = true }));
            // Leaving twice is not an error: the client may not know whether the first got through.
            await visitor.InvokeAsync("leaveRoom", new { });
        }
    }

    [Fact]
    public async Task Joining_another_room_leaves_the_first()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            var other = await Server.CreateRoomAsync(await Server.RegisterAsync("Other owner"));

            await visitor.JoinAsync(other);

            Assert.Equal(guest.UserId, (await host.NextAsync("userLeft")).GetProperty("userId").GetString());
            Assert.DoesNotContain(await Server.RoomRowsAsync(roomId), r => r.StartsWith(guest.UserId, StringComparison.Ordinal));
            Assert.Equal([$"{guest.UserId}:participant:False:False:False"], await Server.RoomRowsAsync(other));
            Assert.Equal("Not a member of this room", await visitor.RefusedAsync("getUsersInRoom", new { roomId }));
        }
    }

    [Fact]
    public async Task Host_removes_a_participant()
    {
        var (roomId, host, visitor, guest) = await TwoInARoomAsync();
        await using (host)
        await using (visitor)
        {
            await host.InvokeAsync("removeUser", new { userId = guest.UserId });

            Assert.Equal(roomId, (await visitor.NextAsync("removed")).GetProperty("roomId").GetString());
            Assert.Equal(guest.UserId, (await host.NextAsync("userLeft")).GetProperty("userId").GetString());
            Assert.Single(await Server.RoomRowsAsync(roomId));
            Assert.Equal("Join a room first", await visitor.RefusedAsync("updateUser", new { isMicActive = true }));
            Assert.Equal("Not a member of this room", await visitor.RefusedAsync("getUsersInRoom", new { roomId }));
        }
    }

    [Fact]
    public async Task A_newer_connection_of_the_same_user_replaces_the_older()
    {
        var (roomId, host, older, guest) = await TwoInARoomAsync();
        await using (host)
        await using (older)
        {
            await older.InvokeAsync("updateUser", new { isMicActive = true });
            await using var newer = await Server.ConnectAsync(guest);

            var join = await newer.JoinAsync(roomId);

            Assert.Equal("joined", join.GetProperty("status").GetString());
            await older.NextAsync("sessionReplaced");
            Assert.Equal(guest.UserId, (await host.NextAsync("userJoined", u => !u.GetProperty("isMicActive").GetBoolean())).GetProperty("userId").GetString());
            // One row, its flags those of the new connection (nothing sent yet).
            await AssertRowsAsync(roomId, $"{guest.UserId}:participant:False:False:False", $"{host.UserId}:host:False:False:False");
            Assert.Equal("Join a room first", await older.RefusedAsync("updateUser", new { isMicActive = true }));

            // The replaced connection going away does not take the newer one's place.
            var olderId = older.Connection.ConnectionId!;
            await older.Connection.StopAsync();
            await Server.WaitForConnectionGoneAsync(olderId);
            await host.InvokeAsync("getUsersInRoom", new { roomId });
            Assert.False(host.TryTake("userLeft", out _));
            Assert.Equal(2, (await Server.RoomRowsAsync(roomId)).Count);

            await newer.Connection.StopAsync();
            Assert.Equal(guest.UserId, (await host.NextAsync("userLeft")).GetProperty("userId").GetString());
            Assert.Single(await Server.RoomRowsAsync(roomId));
        }
    }

    [Fact]
    public async Task Deleting_the_room_over_http_closes_it_for_everyone()
    {
        var owner = await Server.RegisterAsync("Dora");
        var guest = await Server.GuestAsync("Gil");
        var waiter = await Server.GuestAsync("Wes");
        var roomId = await Server.CreateRoomAsync(owner, requireAccessBeforeJoining: true);
        await using var host = await Server.ConnectAsync(owner);
        await using var visitor = await Server.ConnectAsync(guest);
        await using var waiting = await Server.ConnectAsync(waiter);
        await host.JoinAsync(roomId);
        await host.InvokeAsync("admitUser", new { userId = guest.UserId });
        await visitor.JoinAsync(roomId);
        Assert.Equal("waiting", (await waiting.JoinAsync(roomId)).GetProperty("status").GetString());

        await Server.DeleteRoomAsync(owner, roomId);

        foreach (var client in new[] { host, visitor, waiting })
        {
            Assert.Equal(roomId, (await client.NextAsync("roomClosed")).GetProperty("roomId").GetString());
        }

        Assert.Empty(await Server.RoomRowsAsync(roomId));
        Assert.Equal("Join a room first", await host.RefusedAsync("updateUser", new { isMicActive = true }));
        Assert.Equal("Room not found", await visitor.RefusedAsync("joinRoom", new { roomId }));
        // Nobody is left behind: no userLeft storm, and the connections still work.
        await host.InvokeAsync("leaveRoom", new { });
    }

    /// <summary>A room with its owner (host) and a guest joined.</summary>
    protected Task<(string RoomId, HubClient Host, HubClient Visitor, TestUser Guest)> TwoInARoomAsync() => Server.TwoInARoomAsync();

    /// <summary>The room's rows are exactly these "userId:role:mic:cam:screen", in any order.</summary>
    protected async Task AssertRowsAsync(string roomId, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), await Server.RoomRowsAsync(roomId));

    protected static List<string> UserIds(JsonElement users) =>
        users.EnumerateArray().Select(u => u.GetProperty("userId").GetString()!).ToList();
}

public sealed class RoomHubFlowSqliteTests(SqliteHubServerFixture fixture) : RoomHubFlowTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class RoomHubFlowPostgresTests(PostgresHubServerFixture fixture) : RoomHubFlowTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
