using System.Net;
using System.Text.Json;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Cluster;

/// <summary>
/// The operator's drain (<c>/api/admin/node/drain</c>) on real nodes with PostgreSQL and Redis: a draining node takes
/// no new room (placement elsewhere skips it, a join of a new room there is redirected), its meetings go on,
/// <c>/health/ready</c> is 503, and it says when it is empty.
/// </summary>
public sealed class NodeDrainTests : IAsyncLifetime
{
    private const string Key = "operator-key-for-the-drain-tests";

    private static readonly Dictionary<string, string> WithKey = new() { ["Node:OperatorKey"] = Key };

    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_draining_node_takes_no_new_room_keeps_its_meeting_is_not_ready_and_reports_when_empty()
    {
        var a = _cluster.Start("a-node", WithKey);
        var b = _cluster.Start("b-node", WithKey);
        await ClusterNodes.WaitForNodesAsync(a, a, b);
        var owner = await a.RegisterAsync("Owner");
        var (atA, atB) = (await a.CreateRoomAsync(owner), await a.CreateRoomAsync(owner));
        // Equal load is settled by the id: the first room goes to a-node, the second to b-node, which then gets a
        // second person and is the busier node.
        await using var host = await a.ConnectAsync(owner);
        Assert.Equal("joined", Status(await host.JoinAsync(atA)));
        var (first, second) = (await b.GuestAsync("First"), await b.GuestAsync("Second"));
        await using var firstAtB = await b.ConnectAsync(first);
        Assert.Equal("joined", Status(await firstAtB.JoinAsync(atB)));
        await using var secondAtB = await b.ConnectAsync(second);
        Assert.Equal("joined", Status(await secondAtB.JoinAsync(atB)));

        var drained = await SendAsync(a, HttpMethod.Post, Key);
        Assert.Equal(HttpStatusCode.OK, drained.Status);
        Assert.True(drained.Body.GetProperty("draining").GetBoolean());
        Assert.Equal(1, drained.Body.GetProperty("participants").GetInt32());
        Assert.False(drained.Body.GetProperty("empty").GetBoolean());

        // Not ready (a load balancer stops sending people), while b-node is.
        var ready = await ReadyAsync(a);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("Unhealthy", ready.Body.GetProperty("checks").GetProperty("draining").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(b)).Status);

        // A new room whose join arrives at b-node stays there although a-node is less loaded.
        var third = await a.CreateRoomAsync(owner);
        await using var thirdAtB = await b.ConnectAsync(await b.GuestAsync("Third"));
        Assert.Equal("joined", Status(await thirdAtB.JoinAsync(third)));
        Assert.Equal("b-node", await ClusterNodes.Directory(b).LeaseHolderAsync(third));
        // A new room whose join arrives at a-node is sent to b-node.
        var fourth = await a.CreateRoomAsync(owner);
        var guest = await a.GuestAsync("Guest");
        await using var guestAtA = await a.ConnectAsync(guest);
        Assert.Equal(b.BaseAddress.ToString().TrimEnd('/'), (await guestAtA.JoinAsync(fourth)).GetProperty("url").GetString());
        // The meeting held by a-node goes on: a late-comer joins it there.
        Assert.Equal("joined", Status(await guestAtA.JoinAsync(atA)));
        Assert.Equal(2, (await SendAsync(a, HttpMethod.Get, Key)).Body.GetProperty("participants").GetInt32());

        await guestAtA.DisposeAsync();
        await host.DisposeAsync();
        var empty = await WaitForEmptyAsync(a);
        Assert.Equal(0, empty.GetProperty("rooms").GetInt32());
        ready = await ReadyAsync(a);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.StartsWith("The node is drained", ready.Body.GetProperty("checks").GetProperty("draining").GetProperty("description").GetString());

        // Cancelled: ready again, and the least-loaded node takes new rooms again.
        var resumed = await SendAsync(a, HttpMethod.Delete, Key);
        Assert.False(resumed.Body.GetProperty("draining").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(a)).Status);
        var fifth = await a.CreateRoomAsync(owner);
        await using var again = await a.ConnectAsync(guest);
        Assert.Equal("joined", Status(await again.JoinAsync(fifth)));
        Assert.Equal("a-node", await ClusterNodes.Directory(b).LeaseHolderAsync(fifth));
    }

    [Fact]
    public async Task A_drain_with_a_deadline_moves_its_meetings_to_another_node_and_stays_up()
    {
        var (a, b, owner, roomId, host) = await AMeetingOnTheFirstOfTwoNodesAsync();
        await using var hostDisposed = host;
        await using var guest = await a.ConnectAsync(await a.GuestAsync("Guest"));
        Assert.Equal("joined", Status(await guest.JoinAsync(roomId)));
        Assert.Equal("a-node", await ClusterNodes.Directory(b).LeaseHolderAsync(roomId));

        var drained = await SendAsync(a, HttpMethod.Post, Key, """{"moveAfterSeconds":0}""");
        Assert.Equal(HttpStatusCode.OK, drained.Status);
        Assert.True(drained.Body.GetProperty("draining").GetBoolean());

        // Everyone is told to reconnect, as at a stop; rejoining through a-node is sent to b-node, which takes the room.
        await host.NextAsync("serverShuttingDown");
        await guest.NextAsync("serverShuttingDown");
        Assert.Equal(b.BaseAddress.ToString().TrimEnd('/'), (await host.JoinAsync(roomId)).GetProperty("url").GetString());
        await using var hostAtB = await b.ConnectAsync(owner);
        Assert.Equal("joined", Status(await hostAtB.JoinAsync(roomId)));
        Assert.Equal("b-node", await ClusterNodes.Directory(b).LeaseHolderAsync(roomId));

        // a-node is still up, draining and empty; the room's one row is the host's at b-node (the guest's went with the move).
        var empty = await WaitForEmptyAsync(a);
        Assert.True(empty.GetProperty("draining").GetBoolean());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("movesAt").ValueKind);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await ReadyAsync(a)).Status);
        Assert.StartsWith(owner.UserId + ":", Assert.Single(await a.RoomRowsAsync(roomId)));
    }

    [Fact]
    public async Task A_cancelled_drain_moves_nobody_and_a_bad_deadline_is_refused()
    {
        var (a, b, _, roomId, host) = await AMeetingOnTheFirstOfTwoNodesAsync();
        await using var hostDisposed = host;

        foreach (var body in new[] { """{"moveAfterSeconds":-1}""", """{"moveAfterSeconds":86401}""", """{"moveAfterSeconds":"soon"}""", "{" })
        {
            var refused = await SendAsync(a, HttpMethod.Post, Key, body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        }

        Assert.False((await SendAsync(a, HttpMethod.Get, Key)).Body.GetProperty("draining").GetBoolean());

        var scheduled = await SendAsync(a, HttpMethod.Post, Key, """{"moveAfterSeconds":3600}""");
        Assert.True(scheduled.Body.GetProperty("draining").GetBoolean());
        Assert.True(scheduled.Body.GetProperty("movesAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(59));
        var cancelled = await SendAsync(a, HttpMethod.Delete, Key);
        Assert.False(cancelled.Body.GetProperty("draining").GetBoolean());
        Assert.Equal(JsonValueKind.Null, cancelled.Body.GetProperty("movesAt").ValueKind);

        // The meeting is still held here.
        Assert.False(host.TryTake("serverShuttingDown", out _));
        Assert.Equal(1, (await SendAsync(a, HttpMethod.Get, Key)).Body.GetProperty("participants").GetInt32());
        Assert.Equal("a-node", await ClusterNodes.Directory(b).LeaseHolderAsync(roomId));
    }

    [Fact]
    public async Task The_operator_api_wants_the_key_and_is_off_without_one()
    {
        var keyed = _cluster.Start("keyed-node", WithKey);
        var keyless = _cluster.Start("keyless-node");

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(keyed, HttpMethod.Post, null)).Status);
        var wrong = await SendAsync(keyed, HttpMethod.Post, Key + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Contains("Parley-Operator-Key", wrong.Body.GetProperty("detail").GetString());
        // A user's access token is no operator key.
        var user = await keyed.GuestAsync("Someone");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/node/drain");
        request.Headers.Authorization = new("Bearer", user.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyed.Http.SendAsync(request)).StatusCode);
        var off = await SendAsync(keyless, HttpMethod.Post, Key);
        Assert.Equal(HttpStatusCode.Forbidden, off.Status);
        Assert.Contains("Node__OperatorKey", off.Body.GetProperty("detail").GetString());

        // None of those drained anything.
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(keyed)).Status);
        Assert.False((await SendAsync(keyed, HttpMethod.Get, Key)).Body.GetProperty("draining").GetBoolean());
    }

    /// <summary>Nodes a-node and b-node, and a room on a-node (equal load is settled by the id) with its owner in it.</summary>
    private async Task<(HubServer A, HubServer B, TestUser Owner, string RoomId, HubClient Host)> AMeetingOnTheFirstOfTwoNodesAsync()
    {
        var a = _cluster.Start("a-node", WithKey);
        var b = _cluster.Start("b-node", WithKey);
        await ClusterNodes.WaitForNodesAsync(a, a, b);
        var owner = await a.RegisterAsync("Owner");
        var roomId = await a.CreateRoomAsync(owner);
        var host = await a.ConnectAsync(owner);
        Assert.Equal("joined", Status(await host.JoinAsync(roomId)));
        return (a, b, owner, roomId, host);
    }

    private static string? Status(JsonElement answer) => answer.GetProperty("status").GetString();

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HubServer node, HttpMethod method, string? key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, method == HttpMethod.Get ? "/api/admin/node" : "/api/admin/node/drain");
        if (key is not null)
        {
            request.Headers.Add("Parley-Operator-Key", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await node.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HubServer node)
    {
        using var response = await node.Http.GetAsync("/health/ready");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>Waits until the draining node says it is empty (its emptied room's lease goes at the next heartbeat).</summary>
    private static async Task<JsonElement> WaitForEmptyAsync(HubServer node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var status = (await SendAsync(node, HttpMethod.Get, Key)).Body;
            if (status.GetProperty("empty").GetBoolean())
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The drained node never said it was empty: {status}");
            await Task.Delay(50);
        }
    }
}
