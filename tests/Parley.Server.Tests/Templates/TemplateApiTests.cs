using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Tests.Hubs;
using Parley.Server.Tests.Webhooks;

namespace Parley.Server.Tests.Templates;

/// <summary>Room templates over HTTP: the built-in ones, a user's own, and rooms created from them.</summary>
public abstract class TemplateApiTests
{
    protected abstract HubServer Server { get; }

    [Fact]
    public async Task Everyone_sees_the_built_in_templates_which_cannot_be_changed_or_deleted()
    {
        var user = await Server.RegisterAsync("Olivia");
        var templates = await ListAsync(user);
        Assert.Equal(["Team meeting", "Webinar", "Classroom", "Quick call"], templates.Select(t => t.GetProperty("name").GetString()));
        Assert.All(templates, t => Assert.True(t.GetProperty("builtIn").GetBoolean()));
        var webinar = templates[1];
        Assert.Equal("viewer", webinar.GetProperty("settings").GetProperty("defaultRole").GetString());
        Assert.True(webinar.GetProperty("settings").GetProperty("muteOnEntry").GetBoolean());
        var classroom = templates[2];
        Assert.True(classroom.GetProperty("requireAccessBeforeJoining").GetBoolean());
        Assert.Equal("hosts", classroom.GetProperty("settings").GetProperty("whoCanShareScreen").GetString());
        Assert.False(templates[3].GetProperty("requireAccessBeforeJoining").GetBoolean());

        var id = webinar.GetProperty("id").GetString();
        await AssertStatusAsync(HttpStatusCode.Forbidden, user, HttpMethod.Patch, $"/api/templates/{id}", new { name = "Mine" });
        await AssertStatusAsync(HttpStatusCode.Forbidden, user, HttpMethod.Delete, $"/api/templates/{id}");
    }

    [Fact]
    public async Task A_user_saves_renames_changes_and_deletes_their_own_templates_which_others_cannot_see()
    {
        var user = await Server.RegisterAsync("Olivia");
        var other = await Server.RegisterAsync("Sam");
        var created = await CreateAsync(user, new { name = "  Standup  ", requireAccessBeforeJoining = true, settings = new { maxParticipants = 8, chatEnabled = false } });
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("Standup", created.GetProperty("name").GetString());
        Assert.False(created.GetProperty("builtIn").GetBoolean());
        Assert.True(created.GetProperty("requireAccessBeforeJoining").GetBoolean());
        Assert.Equal(8, created.GetProperty("settings").GetProperty("maxParticipants").GetInt32());
        Assert.False(created.GetProperty("settings").GetProperty("chatEnabled").GetBoolean());
        Assert.True(created.GetProperty("settings").GetProperty("videoEnabled").GetBoolean());

        using (var patched = await Server.SendAsync(user, HttpMethod.Patch, $"/api/templates/{id}", new { name = "Daily standup", settings = new { chatEnabled = true } }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            var template = (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("template");
            Assert.Equal("Daily standup", template.GetProperty("name").GetString());
            Assert.True(template.GetProperty("settings").GetProperty("chatEnabled").GetBoolean());
            Assert.Equal(8, template.GetProperty("settings").GetProperty("maxParticipants").GetInt32());
        }

        Assert.Contains(await ListAsync(user), t => t.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(await ListAsync(other), t => t.GetProperty("id").GetString() == id);
        await AssertStatusAsync(HttpStatusCode.NotFound, other, HttpMethod.Patch, $"/api/templates/{id}", new { name = "Taken" });
        await AssertStatusAsync(HttpStatusCode.NotFound, other, HttpMethod.Delete, $"/api/templates/{id}");
        await AssertStatusAsync(HttpStatusCode.NotFound, other, HttpMethod.Post, "/api/rooms/create", new { name = "Copy", templateId = id });

        await AssertStatusAsync(HttpStatusCode.NoContent, user, HttpMethod.Delete, $"/api/templates/{id}");
        await AssertStatusAsync(HttpStatusCode.NotFound, user, HttpMethod.Delete, $"/api/templates/{id}");
    }

    [Fact]
    public async Task A_room_is_created_from_a_template_and_explicit_settings_win()
    {
        var user = await Server.RegisterAsync("Olivia");
        var webinar = (await ListAsync(user)).Single(t => t.GetProperty("name").GetString() == "Webinar").GetProperty("id").GetString();
        var room = await CreateRoomAsync(user, new { name = "Launch", templateId = webinar, settings = new { chatEnabled = false } });
        var settings = room.GetProperty("settings");
        Assert.Equal("viewer", settings.GetProperty("defaultRole").GetString());
        Assert.True(settings.GetProperty("muteOnEntry").GetBoolean());
        Assert.False(settings.GetProperty("chatEnabled").GetBoolean());

        var classroom = (await ListAsync(user)).Single(t => t.GetProperty("name").GetString() == "Classroom").GetProperty("id").GetString();
        Assert.True((await CreateRoomAsync(user, new { name = "Maths", templateId = classroom })).GetProperty("requireAccessBeforeJoining").GetBoolean());
        Assert.False((await CreateRoomAsync(user, new { name = "Maths open", templateId = classroom, requireAccessBeforeJoining = false }))
            .GetProperty("requireAccessBeforeJoining").GetBoolean());
        await AssertStatusAsync(HttpStatusCode.NotFound, user, HttpMethod.Post, "/api/rooms/create", new { name = "X", templateId = "zzzzzzzzzzzzzzzzzzzzzzzz" });
    }

    [Fact]
    public async Task A_template_is_saved_from_a_room_by_its_hosts_only()
    {
        var owner = await Server.RegisterAsync("Olivia");
        var other = await Server.RegisterAsync("Sam");
        var room = await CreateRoomAsync(owner, new { name = "Lab", requireAccessBeforeJoining = true, settings = new { maxVideoHeight = 360 } });
        var roomId = room.GetProperty("id").GetString();
        var saved = await CreateAsync(owner, new { name = "Lab setup", fromRoomId = roomId });
        Assert.True(saved.GetProperty("requireAccessBeforeJoining").GetBoolean());
        Assert.Equal(360, saved.GetProperty("settings").GetProperty("maxVideoHeight").GetInt32());

        await AssertStatusAsync(HttpStatusCode.Forbidden, other, HttpMethod.Post, "/api/templates", new { name = "Mine", fromRoomId = roomId });
        await AssertStatusAsync(HttpStatusCode.NotFound, other, HttpMethod.Post, "/api/templates", new { name = "Mine", fromRoomId = "zzzzzzzzzzzzzzzzzzzzzzzz" });
        await AssertStatusAsync(HttpStatusCode.BadRequest, owner, HttpMethod.Post, "/api/templates", new { name = "Both", fromRoomId = roomId, settings = new { locked = true } });
    }

    [Fact]
    public async Task Bad_input_and_guests_are_refused()
    {
        var user = await Server.RegisterAsync("Olivia");
        var guest = await Server.GuestAsync("Gus");
        await AssertStatusAsync(HttpStatusCode.BadRequest, user, HttpMethod.Post, "/api/templates", new { name = "   " });
        await AssertStatusAsync(HttpStatusCode.BadRequest, user, HttpMethod.Post, "/api/templates", new { name = new string('x', 101) });
        await AssertStatusAsync(HttpStatusCode.BadRequest, user, HttpMethod.Post, "/api/templates", new { name = "Odd", settings = new { maxVideoHeight = 123 } });
        await AssertStatusAsync(HttpStatusCode.BadRequest, user, HttpMethod.Post, "/api/templates", new { name = "Odd", settings = new { defaultRole = "host" } });
        await AssertStatusAsync(HttpStatusCode.Forbidden, guest, HttpMethod.Post, "/api/templates", new { name = "Guest's" });
        Assert.Equal(4, (await ListAsync(guest)).Count);
    }

    private async Task<List<JsonElement>> ListAsync(TestUser user)
    {
        using var response = await Server.SendAsync(user, HttpMethod.Get, "/api/templates");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("templates").EnumerateArray().ToList();
    }

    private async Task<JsonElement> CreateAsync(TestUser user, object body)
    {
        using var response = await Server.SendAsync(user, HttpMethod.Post, "/api/templates", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("template").Clone();
    }

    private async Task<JsonElement> CreateRoomAsync(TestUser user, object body)
    {
        using var response = await Server.SendAsync(user, HttpMethod.Post, "/api/rooms/create", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("room").Clone();
    }

    private async Task AssertStatusAsync(HttpStatusCode expected, TestUser user, HttpMethod method, string path, object? body = null)
    {
        using var response = await Server.SendAsync(user, method, path, body);
        Assert.True(expected == response.StatusCode, $"{method} {path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if ((int)expected >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}

public sealed class TemplateApiSqliteTests(SqliteHubServerFixture fixture) : TemplateApiTests, IClassFixture<SqliteHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}

public sealed class TemplateApiPostgresTests(PostgresHubServerFixture fixture) : TemplateApiTests, IClassFixture<PostgresHubServerFixture>
{
    protected override HubServer Server => fixture.Server;
}
