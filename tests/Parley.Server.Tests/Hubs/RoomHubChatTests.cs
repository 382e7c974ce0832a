using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Data.Entities;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Hubs;

/// <summary>
/// Chat: messages to everyone and private ones, the history and its pages, the limits (chat off, length, rate,
/// not joined), hosts deleting, and the history going with the room. The server runs with a chat rate of 5 at
/// once and no refill within a test, so the rate limit is exact on a loaded machine.
/// </summary>
public abstract class RoomHubChatTests
{
    private const string HostOnly = "Only the host of this room can do that";

    protected abstract HubServer Server { get; }

    [Fact]
    public async Task Messages_to_everyone_reach_everyone_in_order_in_the_contract_shape()
    {
        await using var room = await ChatRoomAsync();
        var sent = new List<JsonElement>
        {
            await room.Host.InvokeAsync("sendMessage", new { text = "one" }),
            await room.Participant.InvokeAsync("sendMessage", new { text = "  two  " }),
            await room.Viewer.InvokeAsync("sendMessage", new { text = "three", toUserId = (string?)null }),
        };

        foreach (var client in room.All)
        {
            var received = new List<JsonElement>();
            for (var i = 0; i < 3; i++)
            {
                received.Add(await client.NextAsync("chatMessage"));
            }

            Assert.Equal(["one", "two", "three"], received.Select(m => m.GetProperty("text").GetString()));
            Assert.Equal(sent.Select(m => m.GetProperty("id").GetString()), received.Select(m => m.GetProperty("id").GetString()));
        }

        var first = sent[0];
        Assert.Equal(
            ["id", "roomId", "fromUserId", "fromName", "toUserId", "text", "createdAt"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(room.RoomId, first.GetProperty("roomId").GetString());
        Assert.Equal(room.Host.UserId, first.GetProperty("fromUserId").GetString());
        Assert.Equal("Owner", first.GetProperty("fromName").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("toUserId").ValueKind);
        Assert.Equal("Viewer", sent[2].GetProperty("fromName").GetString());
        Assert.True(first.GetProperty("createdAt").GetDateTime() <= sent[2].GetProperty("createdAt").GetDateTime());

        var history = (await room.Participant.InvokeAsync("getMessages", new { })).GetProperty("messages");
        Assert.Equal(["one", "two", "three"], history.EnumerateArray().Select(m => m.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Someone_joining_late_gets_the_last_50_newest_last_and_pages_back_with_before()
    {
        await using var room = await ChatRoomAsync();
        await SeedAsync(room.RoomId, room.Host.UserId, 60);
        var late = await Server.ConnectAsync(await Server.GuestAsync("Late"));
        await using (late)
        {
            await late.JoinAsync(room.RoomId);
            var last = (await late.InvokeAsync("getMessages", new { })).GetProperty("messages").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(10, 50).Select(i => $"message {i}"), last.Select(m => m.GetProperty("text").GetString()));

            var earlier = (await late.InvokeAsync("getMessages", new { before = last[0].GetProperty("id").GetString(), limit = 100 })).GetProperty("messages");
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"message {i}"), earlier.EnumerateArray().Select(m => m.GetProperty("text").GetString()));

            var three = (await late.InvokeAsync("getMessages", new { limit = 3 })).GetProperty("messages");
            Assert.Equal(["message 57", "message 58", "message 59"], three.EnumerateArray().Select(m => m.GetProperty("text").GetString()));

            Assert.Equal("getMessages: limit must be a whole number from 1 to 100", await late.RefusedAsync("getMessages", new { limit = 101 }));
            Assert.Equal("getMessages: limit must be a whole number from 1 to 100", await late.RefusedAsync("getMessages", new { limit = 0 }));
            Assert.Equal("getMessages: limit must be a whole number from 1 to 100", await late.RefusedAsync("getMessages", new { limit = "5" }));
            Assert.Equal("Message not found", await late.RefusedAsync("getMessages", new { before = "nosuchmessage" }));
        }
    }

    [Fact]
    public async Task A_private_message_reaches_only_its_two_people_and_hosts_do_not_see_it()
    {
        await using var room = await ChatRoomAsync();
        var secret = await room.Participant.InvokeAsync("sendMessage", new { text = "just for you", toUserId = room.Viewer.UserId });
        Assert.Equal(room.Viewer.UserId, secret.GetProperty("toUserId").GetString());
        Assert.Equal("just for you", (await room.Viewer.NextAsync("chatMessage")).GetProperty("text").GetString());
        Assert.Equal("just for you", (await room.Participant.NextAsync("chatMessage")).GetProperty("text").GetString());

        // The next message to everyone is the first the hosts receive.
        await room.Viewer.InvokeAsync("sendMessage", new { text = "hello all" });
        Assert.Equal("hello all", (await room.Host.NextAsync("chatMessage")).GetProperty("text").GetString());
        Assert.Equal("hello all", (await room.CoHost.NextAsync("chatMessage")).GetProperty("text").GetString());

        Assert.Equal(["hello all"], await TextsAsync(room.Host));
        Assert.Equal(["hello all"], await TextsAsync(room.CoHost));
        Assert.Equal(["just for you", "hello all"], await TextsAsync(room.Viewer));
        Assert.Equal(["just for you", "hello all"], await TextsAsync(room.Participant));

        Assert.Equal("A private message goes to someone else: choose another person", await room.Viewer.RefusedAsync("sendMessage", new { text = "me", toUserId = room.Viewer.UserId }));
        var outsider = await Server.GuestAsync("Outsider");
        Assert.Equal("That person is not in this room", await room.Viewer.RefusedAsync("sendMessage", new { text = "hi", toUserId = outsider.UserId }));
        Assert.StartsWith("sendMessage: toUserId is not a valid id", await room.Viewer.RefusedAsync("sendMessage", new { text = "hi", toUserId = "<b>" }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_is_plain_trimmed_and_between_1_and_2000_characters()
    {
        await using var room = await ChatRoomAsync();
        var html = await room.Participant.InvokeAsync("sendMessage", new { text = "<b>x</b> & <script>alert(1)</script>" });
        Assert.Equal("<b>x</b> & <script>alert(1)</script>", html.GetProperty("text").GetString());
        var longest = new string('a', 2000);
        Assert.Equal(longest, (await room.Participant.InvokeAsync("sendMessage", new { text = longest })).GetProperty("text").GetString());
        Assert.Equal("line one\nline two", (await room.Participant.InvokeAsync("sendMessage", new { text = "line one\nline two\n" })).GetProperty("text").GetString());

        Assert.Equal("The message is 2001 characters long; at most 2000 can be sent", await room.Participant.RefusedAsync("sendMessage", new { text = longest + "b" }));
        Assert.Equal("The message is empty: write something to send", await room.Participant.RefusedAsync("sendMessage", new { text = "" }));
        Assert.Equal("The message is empty: write something to send", await room.Participant.RefusedAsync("sendMessage", new { text = " \n\u200b " }));
        Assert.Equal("The message contains control characters (such as NUL); remove them", await room.Participant.RefusedAsync("sendMessage", new { text = "a\u0000b" }));
        Assert.Equal("sendMessage: text is required (a string)", await room.Participant.RefusedAsync("sendMessage", new { text = 5 }));
        Assert.Equal("sendMessage: text is required (a string)", await room.Participant.RefusedAsync("sendMessage", new { }));

        Assert.Equal(3, (await TextsAsync(room.Host)).Count);
    }

    [Fact]
    public async Task Chat_turned_off_refuses_messages_from_everyone_and_keeps_the_history()
    {
        await using var room = await ChatRoomAsync();
        await room.Participant.InvokeAsync("sendMessage", new { text = "before" });
        await room.Host.InvokeAsync("updateRoom", new { settings = new { chatEnabled = false } });
        await room.Participant.NextAsync("roomUpdated", r => !r.GetProperty("room").GetProperty("settings").GetProperty("chatEnabled").GetBoolean());

        Assert.Equal("Chat is turned off in this room", await room.Participant.RefusedAsync("sendMessage", new { text = "after" }));
        Assert.Equal("Chat is turned off in this room", await room.Host.RefusedAsync("sendMessage", new { text = "after" }));
        Assert.Equal(["before"], await TextsAsync(room.Participant));

        await room.Host.InvokeAsync("updateRoom", new { settings = new { chatEnabled = true } });
        await room.Participant.InvokeAsync("sendMessage", new { text = "on again" });
        Assert.Equal(["before", "on again"], await TextsAsync(room.Participant));
    }

    [Fact]
    public async Task Above_the_rate_a_message_is_refused_and_others_may_still_send()
    {
        await using var room = await ChatRoomAsync();
        for (var i = 0; i < 5; i++)
        {
            await room.Participant.InvokeAsync("sendMessage", new { text = $"burst {i}" });
        }

        Assert.Equal(
            "You are sending messages too fast: at most 5 at once, then one every 3600 s",
            await room.Participant.RefusedAsync("sendMessage", new { text = "one too many" }));
        // Private messages count too.
        Assert.StartsWith("You are sending messages too fast", await room.Participant.RefusedAsync("sendMessage", new { text = "psst", toUserId = room.Host.UserId }), StringComparison.Ordinal);
        await room.Viewer.InvokeAsync("sendMessage", new { text = "my turn" });
        Assert.Equal(6, (await TextsAsync(room.Host)).Count);
    }

    [Fact]
    public async Task Someone_not_joined_cannot_send_read_or_delete()
    {
        await using var room = await ChatRoomAsync();
        var message = await room.Participant.InvokeAsync("sendMessage", new { text = "inside" });
        await using var outside = await Server.ConnectAsync(await Server.GuestAsync("Outside"));
        Assert.Equal("Join a room first", await outside.RefusedAsync("sendMessage", new { text = "hi" }));
        Assert.Equal("Join a room first", await outside.RefusedAsync("getMessages", new { }));
        Assert.Equal("Join a room first", await outside.RefusedAsync("deleteMessage", new { messageId = message.GetProperty("id").GetString() }));

        await room.Participant.InvokeAsync("leaveRoom", new { });
        Assert.Equal("Join a room first", await room.Participant.RefusedAsync("sendMessage", new { text = "gone" }));
    }

    [Fact]
    public async Task Hosts_delete_a_message_for_everyone_and_others_are_refused()
    {
        await using var room = await ChatRoomAsync();
        var message = await room.Participant.InvokeAsync("sendMessage", new { text = "regrettable" });
        var id = message.GetProperty("id").GetString()!;
        await room.Viewer.InvokeAsync("sendMessage", new { text = "fine" });

        Assert.Equal(HostOnly, await room.Participant.RefusedAsync("deleteMessage", new { messageId = id }));
        Assert.Equal(HostOnly, await room.Viewer.RefusedAsync("deleteMessage", new { messageId = id }));

        await room.CoHost.InvokeAsync("deleteMessage", new { messageId = id });
        foreach (var client in room.All)
        {
            var deleted = await client.NextAsync("chatMessageDeleted");
            Assert.Equal(["id"], deleted.EnumerateObject().Select(p => p.Name));
            Assert.Equal(id, deleted.GetProperty("id").GetString());
        }

        Assert.Equal(["fine"], await TextsAsync(room.Viewer));
        Assert.Equal("Message not found", await room.Host.RefusedAsync("deleteMessage", new { messageId = id }));

        // Others' private messages are unknown to the hosts; a private message of their own they may delete.
        var secret = await room.Participant.InvokeAsync("sendMessage", new { text = "secret", toUserId = room.Viewer.UserId });
        Assert.Equal("Message not found", await room.Host.RefusedAsync("deleteMessage", new { messageId = secret.GetProperty("id").GetString() }));
        var own = await room.Host.InvokeAsync("sendMessage", new { text = "to you only", toUserId = room.Participant.UserId });
        await room.Host.InvokeAsync("deleteMessage", new { messageId = own.GetProperty("id").GetString() });
        Assert.Equal(own.GetProperty("id").GetString(), (await room.Participant.NextAsync("chatMessageDeleted")).GetProperty("id").GetString());
        Assert.Equal(["fine", "secret"], await TextsAsync(room.Participant));
        Assert.False(room.Viewer.TryTake("chatMessageDeleted", out _));
    }

    [Fact]
    public async Task The_history_is_deleted_with_the_room()
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner);
        var keptRoomId = await Server.CreateRoomAsync(owner);
        await using (var host = await Server.ConnectAsync(owner))
        {
            await host.JoinAsync(roomId);
            await host.InvokeAsync("sendMessage", new { text = "first" });
            await host.InvokeAsync("sendMessage", new { text = "second" });
            await host.JoinAsync(keptRoomId);
            await host.InvokeAsync("sendMessage", new { text = "kept" });
        }

        Assert.Equal(2, await CountAsync(roomId));
        await Server.DeleteRoomAsync(owner, roomId);
        Assert.Equal(0, await CountAsync(roomId));
        Assert.Equal(1, await CountAsync(keptRoomId));
    }

    private Task<int> CountAsync(string roomId) =>
        Server.QueryAsync(db => db.ChatMessages.CountAsync(m => m.RoomId == roomId));

    private static async Task<List<string?>> TextsAsync(HubClient client) =>
        (await client.InvokeAsync("getMessages", new { })).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).ToList();

    /// <summary>Writes <paramref name="count"/> messages to everyone straight into the database (past the rate limit).</summary>
    private Task SeedAsync(string roomId, string fromUserId, int count) => Server.QueryAsync(async db =>
    {
        var start = DateTime.UtcNow.AddMinutes(-count);
        for (var i = 0; i < count; i++)
        {
            // One at a time: the order of the keys is the order of the history.
            db.ChatMessages.Add(new ChatMessage { RoomId = roomId, FromUserId = fromUserId, FromName = "Owner", Text = $"message {i}", CreatedAt = start.AddSeconds(i) });
            await db.SaveChangesAsync();
        }

        return count;
    });

    /// <summary>The owner (host), a co-host, a participant and a viewer, joined, each having seen everyone's role.</summary>
    private async Task<ChatRoom> ChatRoomAsync()
    {
        var owner = await Server.RegisterAsync("Owner");
        var roomId = await Server.CreateRoomAsync(owner);
        var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        var others = new List<HubClient>();
        foreach (var name in new[] { "Co-host", "Participant", "Viewer" })
        {
            var client = await Server.ConnectAsync(await Server.GuestAsync(name));
            await client.JoinAsync(roomId);
            await host.NextAsync("userJoined", u => u.GetProperty("userId").GetString() == client.UserId);
            others.Add(client);
        }

        var room = new ChatRoom(roomId, host, others[0], others[1], others[2]);
        await host.InvokeAsync("setRole", new { userId = room.CoHost.UserId, role = "co-host" });
        await host.InvokeAsync("setRole", new { userId = room.Viewer.UserId, role = "viewer" });
        foreach (var client in room.All)
        {
            await client.NextAsync("userUpdated", u => u.GetProperty("userId").GetString() == room.Viewer.UserId && u.GetProperty("role").GetString() == "viewer");
        }

        return room;
    }

    private sealed record ChatRoom(string RoomId, HubClient Host, HubClient CoHost, HubClient Participant, HubClient Viewer) : IAsyncDisposable
    {
        public IEnumerable<HubClient> All => [Host, CoHost, Participant, Viewer];

        public async ValueTask DisposeAsync()
        {
            foreach (var client in All)
            {
                await client.DisposeAsync();
            }
        }
    }
}

/// <summary>Chat's rate at 5 messages at once and one more an hour later: exact within a test.</summary>
internal static class ChatTestSettings
{
    public static readonly IReadOnlyDictionary<string, string> Rate = new Dictionary<string, string>
    {
        ["Chat:Burst"] = "5",
        ["Chat:RefillInterval"] = "01:00:00",
    };
}

public sealed class SqliteChatServerFixture() : HubServerFixture(new SqliteDatabaseFixture(), ChatTestSettings.Rate);

/// <summary>Needs <c>PARLEY_TEST_POSTGRES</c> (scripts/test.sh, or <c>source scripts/postgres.sh &amp;&amp; pg_start</c>).</summary>
public sealed class PostgresChatServerFixture() : HubServerFixture(new PostgresDatabaseFixture(), ChatTestSettings.Rate);

public sealed class RoomHubChatSqliteTests(SqliteChatServerFixture fixture) : RoomHubChatTests, IClassFixture<SqliteChatServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class RoomHubChatPostgresTests(PostgresChatServerFixture fixture) : RoomHubChatTests, IClassFixture<PostgresChatServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
