using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Webhooks;

/// <summary>Webhooks end to end: the real hub raises the events, a real HTTP receiver gets them.</summary>
public abstract class WebhookDeliveryTests
{
    private static readonly string[] AllEvents = ["meeting.started", "meeting.ended", "participant.joined", "participant.left"];

    protected abstract HubServer Server { get; }

    [Fact]
    public async Task A_meeting_start_joins_leaves_and_end_arrive_signed_and_in_order()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var owner = await Server.RegisterAsync("Olivia");
        var webhook = await Server.RegisterWebhookAsync(owner, receiver.Url, AllEvents);
        var secret = webhook.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(JsonValueKind.Null, webhook.GetProperty("roomId").ValueKind);
        Assert.Equal(JsonValueKind.Null, webhook.GetProperty("disabledAt").ValueKind);

        var (roomId, host, visitor, guest) = await Server.TwoInARoomAsync(owner);
        await visitor.InvokeAsync("leaveRoom", new { });
        await host.NextAsync("userLeft");
        await host.InvokeAsync("leaveRoom", new { });

        var delivered = await receiver.WaitForDeliveredAsync(6);
        Assert.Equal(
            ["meeting.started", "participant.joined", "participant.joined", "participant.left", "participant.left", "meeting.ended"],
            delivered.Select(d => d.Type));
        foreach (var delivery in delivered)
        {
            WebhookApi.AssertSigned(delivery, secret);
            var json = delivery.Json;
            Assert.Equal(delivery.Type, delivery.Event);
            Assert.Equal(json.GetProperty("id").GetString(), delivery.DeliveryId);
            Assert.True(json.GetProperty("createdAt").TryGetDateTime(out _));
            Assert.Equal(roomId, json.GetProperty("data").GetProperty("roomId").GetString());
        }

        var data = delivered.Select(d => d.Json.GetProperty("data")).ToList();
        Assert.Equal(owner.UserId, data[1].GetProperty("userId").GetString());
        Assert.Equal("Olivia", data[1].GetProperty("name").GetString());
        Assert.Equal(guest.UserId, data[2].GetProperty("userId").GetString());
        Assert.Equal(guest.UserId, data[3].GetProperty("userId").GetString());
        Assert.Equal("left", data[3].GetProperty("reason").GetString());
        Assert.Equal(owner.UserId, data[4].GetProperty("userId").GetString());
        Assert.Equal("left", data[5].GetProperty("reason").GetString());
        Assert.Equal(6, delivered.Select(d => d.DeliveryId).Distinct().Count());

        // The receiver answered before the server wrote down the answer.
        var log = await Server.WaitForDeliveriesAsync(owner, webhook.GetProperty("id").GetString()!,
            l => l.Count == 6 && l.All(d => d.GetProperty("deliveredAt").ValueKind != JsonValueKind.Null));
        Assert.All(log, d =>
        {
            Assert.Equal(1, d.GetProperty("attempts").GetInt32());
            Assert.Equal(200, d.GetProperty("lastStatus").GetInt32());
            Assert.NotEqual(JsonValueKind.Null, d.GetProperty("deliveredAt").ValueKind);
        });
        await host.DisposeAsync();
        await visitor.DisposeAsync();
    }

    [Fact]
    public async Task Deleting_the_room_with_people_in_it_ends_the_meeting_for_the_owners_all_rooms_hook_and_removes_its_room_hooks()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner);
        var everyRoom = await Server.RegisterWebhookAsync(owner, receiver.Url, ["meeting.ended", "participant.left"]);
        var thisRoom = await Server.RegisterWebhookAsync(owner, receiver.Url, ["meeting.started"], roomId);
        Assert.Equal(roomId, thisRoom.GetProperty("roomId").GetString());
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);
        await receiver.WaitForDeliveredAsync(1);

        await Server.DeleteRoomAsync(owner, roomId);

        var delivered = await receiver.WaitForDeliveredAsync(3);
        Assert.Equal(["meeting.started", "participant.left", "meeting.ended"], delivered.Select(d => d.Type));
        Assert.Equal("ended", delivered[1].Json.GetProperty("data").GetProperty("reason").GetString());
        Assert.Equal("ended", delivered[2].Json.GetProperty("data").GetProperty("reason").GetString());
        using var list = await Server.SendAsync(owner, HttpMethod.Get, "/api/webhooks");
        var ids = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhooks").EnumerateArray()
            .Select(w => w.GetProperty("id").GetString()).ToList();
        Assert.Equal([everyRoom.GetProperty("id").GetString()], ids);
    }

    [Fact]
    public async Task A_delivery_answered_500_twice_is_retried_until_delivered_and_the_log_shows_the_attempts()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.Answer(500, 500);
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner);
        var webhook = await Server.RegisterWebhookAsync(owner, receiver.Url, ["participant.joined"], roomId);
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);

        var received = await receiver.WaitForAsync(r => r.Any(d => d.Answered == 200));
        Assert.Equal([500, 500, 200], received.Select(d => d.Answered));
        Assert.Single(received.Select(d => d.DeliveryId).Distinct());
        Assert.Single(received.Select(d => d.Body).Distinct());
        var log = await Server.WaitForDeliveriesAsync(owner, webhook.GetProperty("id").GetString()!,
            l => l.Count == 1 && l[0].GetProperty("deliveredAt").ValueKind != JsonValueKind.Null);
        Assert.Equal(3, log[0].GetProperty("attempts").GetInt32());
        Assert.Equal(200, log[0].GetProperty("lastStatus").GetInt32());
        Assert.Equal(received[0].DeliveryId, log[0].GetProperty("id").GetString());
        Assert.Equal("participant.joined", log[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_later_event_of_the_room_waits_until_the_earlier_one_is_delivered()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        // The first event fails twice; had the second not waited, it would arrive between those attempts.
        receiver.Answer(500, 500);
        var owner = await Server.RegisterAsync("Olivia");
        var webhook = await Server.RegisterWebhookAsync(owner, receiver.Url, AllEvents);
        var (_, host, visitor, _) = await Server.TwoInARoomAsync(owner);
        await visitor.InvokeAsync("leaveRoom", new { });
        await host.InvokeAsync("leaveRoom", new { });

        var received = await receiver.WaitForAsync(r => r.Count(d => d.Answered == 200) == 6);
        Assert.Equal(
            ["meeting.started", "meeting.started", "meeting.started", "participant.joined", "participant.joined",
             "participant.left", "participant.left", "meeting.ended"],
            received.Select(d => d.Type));
        var firstEventIds = received.Take(3).Select(d => d.DeliveryId).Distinct();
        Assert.Single(firstEventIds);
        await Server.WaitForDeliveriesAsync(owner, webhook.GetProperty("id").GetString()!,
            l => l.Count == 6 && l.All(d => d.GetProperty("deliveredAt").ValueKind != JsonValueKind.Null));
        await host.DisposeAsync();
        await visitor.DisposeAsync();
    }

    [Fact]
    public async Task An_endpoint_whose_deliveries_keep_failing_is_given_up_on_and_disabled()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        receiver.DefaultStatus = 500;
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner);
        // Settings: 3 attempts per delivery, disabled after 2 given up in a row.
        var webhook = await Server.RegisterWebhookAsync(owner, receiver.Url, ["meeting.started", "participant.joined"], roomId);
        var webhookId = webhook.GetProperty("id").GetString()!;
        await using var host = await Server.ConnectAsync(owner);
        await host.JoinAsync(roomId);

        var log = await Server.WaitForDeliveriesAsync(owner, webhookId,
            l => l.Count == 2 && l.All(d => d.GetProperty("givenUpAt").ValueKind != JsonValueKind.Null));
        Assert.All(log, d =>
        {
            Assert.Equal(3, d.GetProperty("attempts").GetInt32());
            Assert.Equal(500, d.GetProperty("lastStatus").GetInt32());
            Assert.Equal(JsonValueKind.Null, d.GetProperty("deliveredAt").ValueKind);
        });
        var disabledAt = await WaitForDisabledAsync(owner, webhookId);
        Assert.NotEqual(JsonValueKind.Null, disabledAt.ValueKind);
        Assert.Equal(6, receiver.Received.Count);

        // A disabled endpoint gets nothing more.
        await host.InvokeAsync("leaveRoom", new { });
        await host.JoinAsync(roomId);
        Assert.Equal(2, (await Server.DeliveriesAsync(owner, webhookId)).Count);
    }

    [Fact]
    public async Task Registration_is_for_signed_in_users_on_their_own_rooms_and_hooks_are_private()
    {
        await using var receiver = await WebhookReceiver.StartNewAsync();
        var owner = await Server.RegisterAsync("Olivia");
        var other = await Server.RegisterAsync("Otto");
        var guest = await Server.GuestAsync("Gus");
        var roomId = await Server.CreateRoomAsync(owner);
        var webhook = await Server.RegisterWebhookAsync(owner, receiver.Url, ["participant.joined"], roomId);
        var id = webhook.GetProperty("id").GetString()!;

        using (var listed = await Server.SendAsync(owner, HttpMethod.Get, "/api/webhooks"))
        {
            var hooks = (await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhooks").EnumerateArray().ToList();
            var only = Assert.Single(hooks);
            Assert.Equal(id, only.GetProperty("id").GetString());
            Assert.Equal(receiver.Url, only.GetProperty("url").GetString());
            Assert.Equal(["participant.joined"], only.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
            Assert.False(only.TryGetProperty("secret", out _));
        }

        using (var othersList = await Server.SendAsync(other, HttpMethod.Get, "/api/webhooks"))
        {
            Assert.Empty((await othersList.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhooks").EnumerateArray());
        }

        await AssertStatusAsync(HttpStatusCode.NotFound, other, HttpMethod.Get, $"/api/webhooks/{id}/deliveries");
        await AssertStatusAsync(HttpStatusCode.NotFound, other, HttpMethod.Delete, $"/api/webhooks/{id}");
        await AssertStatusAsync(HttpStatusCode.Forbidden, other, HttpMethod.Post, "/api/webhooks",
            new { url = receiver.Url, events = new[] { "participant.joined" }, roomId });
        await AssertStatusAsync(HttpStatusCode.NotFound, other, HttpMethod.Post, "/api/webhooks",
            new { url = receiver.Url, events = new[] { "participant.joined" }, roomId = "no-such-room" });
        await AssertStatusAsync(HttpStatusCode.Forbidden, guest, HttpMethod.Post, "/api/webhooks",
            new { url = receiver.Url, events = new[] { "participant.joined" } });
        await AssertStatusAsync(HttpStatusCode.Forbidden, guest, HttpMethod.Get, "/api/webhooks");
        using (var anonymous = await Server.Http.GetAsync("/api/webhooks"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        await AssertStatusAsync(HttpStatusCode.NoContent, owner, HttpMethod.Delete, $"/api/webhooks/{id}");
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Get, $"/api/webhooks/{id}/deliveries");
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Delete, $"/api/webhooks/{id}");
    }

    [Theory]
    [InlineData("not a url", "'url'")]
    [InlineData("ftp://127.0.0.1/hook", "'url'")]
    [InlineData("/relative/hook", "'url'")]
    [InlineData(null, "'url'")]
    public async Task Bad_urls_are_refused_naming_the_field(string? url, string field)
    {
        var owner = await Server.RegisterAsync("Olivia");
        using var response = await Server.SendAsync(owner, HttpMethod.Post, "/api/webhooks", new { url, events = new[] { "meeting.started" } });
        await AssertProblemAsync(response, field);
    }

    [Fact]
    public async Task Unknown_or_missing_event_types_are_refused_naming_the_field()
    {
        var owner = await Server.RegisterAsync("Olivia");
        using var unknown = await Server.SendAsync(owner, HttpMethod.Post, "/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "meeting.exploded" } });
        await AssertProblemAsync(unknown, "'events'");
        using var none = await Server.SendAsync(owner, HttpMethod.Post, "/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = Array.Empty<string>() });
        await AssertProblemAsync(none, "'events'");
        using var nullType = await Server.SendAsync(owner, HttpMethod.Post, "/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "meeting.started", null } });
        await AssertProblemAsync(nullType, "'events'");
        using var recording = await Server.SendAsync(owner, HttpMethod.Post, "/api/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "recording.ready" } });
        Assert.Equal(HttpStatusCode.Created, recording.StatusCode);
    }

    private async Task<JsonElement> WaitForDisabledAsync(TestUser owner, string webhookId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var listed = await Server.SendAsync(owner, HttpMethod.Get, "/api/webhooks");
            var hook = (await listed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhooks").EnumerateArray()
                .Single(w => w.GetProperty("id").GetString() == webhookId);
            var disabledAt = hook.GetProperty("disabledAt");
            if (disabledAt.ValueKind != JsonValueKind.Null || DateTime.UtcNow > deadline)
            {
                return disabledAt.Clone();
            }

            await Task.Delay(100);
        }
    }

    private async Task AssertStatusAsync(HttpStatusCode expected, TestUser user, HttpMethod method, string path, object? body = null)
    {
        using var response = await Server.SendAsync(user, method, path, body);
        Assert.True(expected == response.StatusCode, $"{method} {path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(field, problem.GetProperty("detail").GetString());
    }
}

public sealed class WebhookDeliverySqliteTests(SqliteWebhookServerFixture fixture) : WebhookDeliveryTests, IClassFixture<SqliteWebhookServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class WebhookDeliveryPostgresTests(PostgresWebhookServerFixture fixture) : WebhookDeliveryTests, IClassFixture<PostgresWebhookServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
