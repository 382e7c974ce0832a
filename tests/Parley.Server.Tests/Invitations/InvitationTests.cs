using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Webhooks;

namespace Parley.Server.Tests.Invitations;

/// <summary>Invite links and members over HTTP, and what they do at the hub's door.</summary>
public abstract class InvitationTests
{
    protected abstract HubServer Server { get; }

    [Fact]
    public async Task A_skip_the_waiting_room_link_lets_a_guest_straight_in_and_counts_one_use_per_person()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner, requireAccessBeforeJoining: true);
        var invite = await CreateInviteAsync(owner, roomId, new { skipWaitingRoom = true, maxUses = 5 });
        var token = invite.GetProperty("token").GetString()!;
        Assert.True(token.Length >= 43);
        Assert.Equal($"{Server.BaseAddress.ToString().TrimEnd('/')}/i/{token}", invite.GetProperty("url").GetString());
        Assert.Equal(0, invite.GetProperty("uses").GetInt32());
        Assert.Equal(5, invite.GetProperty("maxUses").GetInt32());
        Assert.Equal(JsonValueKind.Null, invite.GetProperty("expiresAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, invite.GetProperty("revokedAt").ValueKind);

        var guest = await Server.GuestAsync("Gus");
        using (var found = await Server.SendAsync(guest, HttpMethod.Get, $"/api/invites/{token}"))
        {
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Equal(roomId, (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("room").GetProperty("id").GetString());
        }

        await using (var visitor = await Server.ConnectAsync(guest))
        {
            var joined = await visitor.InvokeAsync("joinRoom", new { roomId, inviteToken = token });
            Assert.Equal("joined", joined.GetProperty("status").GetString());
        }

        // Back later with the same link (a reload): in again, and no second use.
        await using (var again = await Server.ConnectAsync(guest))
        {
            Assert.Equal("joined", (await again.InvokeAsync("joinRoom", new { roomId, inviteToken = token })).GetProperty("status").GetString());
        }

        var listed = Assert.Single(await ListInvitesAsync(owner, roomId));
        Assert.Equal(1, listed.GetProperty("uses").GetInt32());

        // Without the link a newcomer waits.
        var stranger = await Server.GuestAsync("Stan");
        await using var door = await Server.ConnectAsync(stranger);
        Assert.Equal("waiting", (await door.JoinAsync(roomId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_plain_link_leads_to_the_waiting_room_and_a_used_up_revoked_or_expired_link_is_refused()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var roomId = await Server.CreateRoomAsync(owner, requireAccessBeforeJoining: true);
        var plain = (await CreateInviteAsync(owner, roomId, new { maxUses = 1 })).GetProperty("token").GetString()!;
        var first = await Server.GuestAsync("First");
        await using (var client = await Server.ConnectAsync(first))
        {
            Assert.Equal("waiting", (await client.InvokeAsync("joinRoom", new { roomId, inviteToken = plain })).GetProperty("status").GetString());
        }

        var second = await Server.GuestAsync("Second");
        await AssertStatusAsync(HttpStatusCode.NotFound, second, HttpMethod.Get, $"/api/invites/{plain}");
        await using (var client = await Server.ConnectAsync(second))
        {
            Assert.Contains("not valid", await client.RefusedAsync("joinRoom", new { roomId, inviteToken = plain }));
        }

        var revoked = await CreateInviteAsync(owner, roomId, new { skipWaitingRoom = true });
        await AssertStatusAsync(HttpStatusCode.NoContent, owner, HttpMethod.Delete, $"/api/rooms/{roomId}/invites/{revoked.GetProperty("id").GetString()}");
        await AssertStatusAsync(HttpStatusCode.NotFound, second, HttpMethod.Get, $"/api/invites/{revoked.GetProperty("token").GetString()}");
        await using (var client = await Server.ConnectAsync(second))
        {
            Assert.Contains("not valid", await client.RefusedAsync("joinRoom", new { roomId, inviteToken = revoked.GetProperty("token").GetString() }));
        }

        Assert.NotEqual(JsonValueKind.Null, (await ListInvitesAsync(owner, roomId))
            .Single(i => i.GetProperty("id").GetString() == revoked.GetProperty("id").GetString()).GetProperty("revokedAt").ValueKind);

        var expiring = await CreateInviteAsync(owner, roomId, new { expiresAt = DateTime.UtcNow.AddHours(1) });
        var expiringId = expiring.GetProperty("id").GetString();
        await Server.QueryAsync(db => db.RoomInvites.Where(i => i.Id == expiringId)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        await AssertStatusAsync(HttpStatusCode.NotFound, second, HttpMethod.Get, $"/api/invites/{expiring.GetProperty("token").GetString()}");
        await AssertStatusAsync(HttpStatusCode.NotFound, second, HttpMethod.Get, "/api/invites/not-a-token");
    }

    [Fact]
    public async Task Only_hosts_manage_invites_and_bad_input_is_refused()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var other = await Server.RegisterAsync("Sam");
        var roomId = await Server.CreateRoomAsync(owner);
        await AssertStatusAsync(HttpStatusCode.Forbidden, other, HttpMethod.Post, $"/api/rooms/{roomId}/invites", new { });
        await AssertStatusAsync(HttpStatusCode.Forbidden, other, HttpMethod.Get, $"/api/rooms/{roomId}/invites");
        var invite = await CreateInviteAsync(owner, roomId, new { });
        await AssertStatusAsync(HttpStatusCode.Forbidden, other, HttpMethod.Delete, $"/api/rooms/{roomId}/invites/{invite.GetProperty("id").GetString()}");
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Post, "/api/rooms/zzzzzzzzzzzzzzzzzzzzzzzz/invites", new { });
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Delete, $"/api/rooms/{roomId}/invites/zzzzzzzzzzzzzzzzzzzzzzzz");
        await AssertStatusAsync(HttpStatusCode.BadRequest, owner, HttpMethod.Post, $"/api/rooms/{roomId}/invites", new { maxUses = 0 });
        await AssertStatusAsync(HttpStatusCode.BadRequest, owner, HttpMethod.Post, $"/api/rooms/{roomId}/invites", new { expiresAt = DateTime.UtcNow.AddMinutes(-5) });
        await AssertStatusAsync(HttpStatusCode.BadRequest, owner, HttpMethod.Post, $"/api/rooms/{roomId}/invites", new { expiresAt = "soon" });
        await using var client = await Server.ConnectAsync(other);
        Assert.Contains("inviteToken", await client.RefusedAsync("joinRoom", new { roomId, inviteToken = 42 }));
    }

    [Fact]
    public async Task Members_invited_by_email_see_the_room_as_shared_and_skip_the_waiting_room_until_removed()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var email = $"member-{Guid.NewGuid():N}@example.test";
        var member = await RegisterWithEmailAsync("Mia", email);
        var roomId = await Server.CreateRoomAsync(owner, requireAccessBeforeJoining: true);

        using (var added = await Server.SendAsync(owner, HttpMethod.Post, $"/api/rooms/{roomId}/members", new { email = email.ToUpperInvariant() }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            var body = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("member");
            Assert.Equal(member.UserId, body.GetProperty("userId").GetString());
            Assert.Equal(email, body.GetProperty("email").GetString());
            Assert.Equal("Mia", body.GetProperty("name").GetString());
        }

        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Post, $"/api/rooms/{roomId}/members", new { email = "nobody@example.test" });
        await AssertStatusAsync(HttpStatusCode.BadRequest, owner, HttpMethod.Post, $"/api/rooms/{roomId}/members", new { });
        await AssertStatusAsync(HttpStatusCode.Forbidden, member, HttpMethod.Post, $"/api/rooms/{roomId}/members", new { email });
        using (var members = await Server.SendAsync(owner, HttpMethod.Get, $"/api/rooms/{roomId}/members"))
        {
            var list = (await members.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("members").EnumerateArray().ToList();
            Assert.Equal([member.UserId], list.Select(m => m.GetProperty("userId").GetString()));
        }

        Assert.Equal([roomId], await SharedAsync(member));
        await using (var client = await Server.ConnectAsync(member))
        {
            Assert.Equal("joined", (await client.JoinAsync(roomId)).GetProperty("status").GetString());
            await client.InvokeAsync("leaveRoom", new { });
        }

        await AssertStatusAsync(HttpStatusCode.NoContent, owner, HttpMethod.Delete, $"/api/rooms/{roomId}/members/{member.UserId}");
        Assert.Empty(await SharedAsync(member));
        await AssertStatusAsync(HttpStatusCode.NotFound, owner, HttpMethod.Delete, $"/api/rooms/{roomId}/members/{member.UserId}");
        await using (var client = await Server.ConnectAsync(member))
        {
            Assert.Equal("waiting", (await client.JoinAsync(roomId)).GetProperty("status").GetString());
        }
    }

    private async Task<TestUser> RegisterWithEmailAsync(string name, string email)
    {
        const string password = "Test-password-123";
        using var registered = await Server.Http.PostAsJsonAsync("/api/auth/register", new { email, password, name });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("id").GetString()!;
        using var login = await Server.Http.PostAsJsonAsync("/api/auth/login", new { email, password });
        return new TestUser(id, name, (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!);
    }

    private async Task<List<string?>> SharedAsync(TestUser user)
    {
        using var response = await Server.SendAsync(user, HttpMethod.Get, "/api/rooms/shared");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
    }

    private async Task<JsonElement> CreateInviteAsync(TestUser user, string roomId, object body)
    {
        using var response = await Server.SendAsync(user, HttpMethod.Post, $"/api/rooms/{roomId}/invites", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("invite").Clone();
    }

    private async Task<List<JsonElement>> ListInvitesAsync(TestUser user, string roomId)
    {
        using var response = await Server.SendAsync(user, HttpMethod.Get, $"/api/rooms/{roomId}/invites");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("invites").EnumerateArray().ToList();
    }

    private async Task AssertStatusAsync(HttpStatusCode expected, TestUser user, HttpMethod method, string path, object? body = null)
    {
        using var response = await Server.SendAsync(user, method, path, body);
        Assert.True(expected == response.StatusCode, $"{method} {path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

public sealed class InvitationSqliteTests(SqliteHubServerFixture fixture) : InvitationTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class InvitationPostgresTests(PostgresHubServerFixture fixture) : InvitationTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
