using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Membership;

namespace Parley.Server.Tests.Hubs;

/// <summary>Many clients at once, and clients that vanish without a word.</summary>
public abstract class RoomHubConcurrencyTests
{
    private const char RecordSeparator = '\u001e';

    protected abstract HubServer Server { get; }

    [Fact]
    public async Task Fifty_clients_joining_and_leaving_at_once_leave_the_database_matching_the_live_connections()
    {
        var owner = await Server.RegisterAsync("Race host");
        var roomId = await Server.CreateRoomAsync(owner);
        var users = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Server.GuestAsync($"Racer {i}")));
        var clients = await Task.WhenAll(users.Select(Server.ConnectAsync));
        var replacements = new List<HubClient>();
        try
        {
            await Task.WhenAll(clients.Select(c => c.JoinAsync(roomId)));
            await Server.WaitForRowsAsync(roomId, users.Select(Row));

            // All at once: 15 leave, 15 disconnect, 5 are replaced by a newer connection, 5 join again where
            // they are, 10 leave and come straight back.
            replacements.AddRange(await Task.WhenAll(users[30..35].Select(Server.ConnectAsync)));
            var gone = clients[15..30].Select(c => c.Connection.ConnectionId!).ToList();
            await Task.WhenAll(
                clients[..15].Select(c => (Task)c.InvokeAsync("leaveRoom", new { }))
                    .Concat(clients[15..30].Select(c => c.Connection.StopAsync()))
                    .Concat(replacements.Select(c => (Task)c.JoinAsync(roomId)))
                    .Concat(clients[35..40].Select(c => (Task)c.JoinAsync(roomId)))
                    .Concat(clients[40..].Select(async c =>
                    {
                        await c.InvokeAsync("leaveRoom", new { });
                        await c.JoinAsync(roomId);
                    })));
            foreach (var connectionId in gone)
            {
                await Server.WaitForConnectionGoneAsync(connectionId);
            }

            var expected = users[30..].Select(Row).ToList();
            await Server.WaitForRowsAsync(roomId, expected);
            var registry = Server.Services.GetRequiredService<ConnectionRegistry>();
            Assert.Equal(users[30..].Select(u => u.UserId).Order(StringComparer.Ordinal), registry.GetMemberUserIds(roomId).Order(StringComparer.Ordinal));
            var listed = await clients[45].InvokeAsync("getUsersInRoom", new { roomId });
            Assert.Equal(20, listed.GetProperty("users").GetArrayLength());
        }
        finally
        {
            await Task.WhenAll(clients.Concat(replacements).Select(c => c.DisposeAsync().AsTask()));
        }

        await Server.WaitForRowsAsync(roomId, []);
        await Server.WaitForVacantAsync(roomId);
    }

    [Fact]
    public async Task A_client_that_goes_silent_is_dropped_after_the_client_timeout_and_cleaned_up()
    {
        var (roomId, host, guest) = await HostedRoomAsync();
        await using var _ = host;
        // A client that stops sending (a closed laptop lid, a dead network) while its TCP connection stays up:
        // it would ping only every ten minutes, so after joinRoom the server hears nothing more from it. (Like the
        // browser client it pings once right after the handshake, which is what arms SignalR's client timeout.)
        await using var silent = new HubClient(
            Server.BuildConnection(guest.Token, keepAlive: TimeSpan.FromMinutes(10), serverTimeout: TimeSpan.FromMinutes(20)),
            guest.UserId);
        await silent.Connection.StartAsync();
        await silent.JoinAsync(roomId);
        await host.NextAsync("userJoined");

        var left = await host.NextAsync("userLeft");

        Assert.Equal(guest.UserId, left.GetProperty("userId").GetString());
        await Server.WaitForRowsAsync(roomId, [$"{host.UserId}:host:False:False:False"]);
    }

    [Fact]
    public async Task A_transport_aborted_without_a_close_frame_is_cleaned_up()
    {
        var (roomId, host, guest) = await HostedRoomAsync();
        await using var _ = host;
        var socket = await RawJoinAsync(guest, roomId);
        await host.NextAsync("userJoined");

        socket.Abort();
        socket.Dispose();

        Assert.Equal(guest.UserId, (await host.NextAsync("userLeft")).GetProperty("userId").GetString());
        await Server.WaitForRowsAsync(roomId, [$"{host.UserId}:host:False:False:False"]);
    }

    private static string Row(TestUser user) => $"{user.UserId}:participant:False:False:False";

    private async Task<(string RoomId, HubClient Host, TestUser Guest)> HostedRoomAsync()
    {
        var owner = await Server.RegisterAsync("Host");
        var guest = await Server.GuestAsync("Vanishing");
        var roomId = await Server.CreateRoomAsync(owner);
        var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        return (roomId, host, guest);
    }

    /// <summary>A bare WebSocket speaking the SignalR JSON protocol by hand: handshake, then joinRoom, then nothing.</summary>
    private async Task<ClientWebSocket> RawJoinAsync(TestUser user, string roomId)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var uri = new UriBuilder(new Uri(Server.BaseAddress, "/ws")) { Scheme = "ws", Query = "access_token=" + Uri.EscapeDataString(user.Token) }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        await SendAsync(socket, """{"protocol":"json","version":1}""");
        Assert.Equal("{}", (await ReceiveAsync(socket)).Trim());
        await SendAsync(socket, JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "joinRoom", arguments = new object[] { new { roomId } } }));
        while (true)
        {
            using var message = JsonDocument.Parse(await ReceiveAsync(socket));
            if (message.RootElement.GetProperty("type").GetInt32() == 3)
            {
                Assert.Equal("joined", message.RootElement.GetProperty("result").GetProperty("status").GetString());
                return socket;
            }
        }
    }

    private static Task SendAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    // One record per call is enough here: the server writes the handshake answer and each message as its own frame.
    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            length += result.Count;
            var text = Encoding.UTF8.GetString(buffer, 0, length);
            var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                return text[..end];
            }
        }
    }
}

public sealed class RoomHubConcurrencySqliteTests(SqliteHubServerFixture fixture) : RoomHubConcurrencyTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class RoomHubConcurrencyPostgresTests(PostgresHubServerFixture fixture) : RoomHubConcurrencyTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
