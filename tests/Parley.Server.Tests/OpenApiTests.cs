using System.Net;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

public sealed class OpenApiTests(SqliteDatabaseFixture fixture) : IClassFixture<SqliteDatabaseFixture>
{
    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var response = await fixture.App.CreateApiClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.ReadJsonAsync();
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/guest", "/api/auth/me", "/api/auth/logout", "/api/rooms/create", "/api/rooms/join/{joinCode}", "/api/rooms/{roomId}", "/api/rooms", "/api/rooms/{roomId}/join-code", "/api/webhooks", "/api/webhooks/{webhookId}", "/api/webhooks/{webhookId}/deliveries" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }

        foreach (var path in new[]
        {
            "/api/rooms/{roomId}/sessions", "/api/rooms/{roomId}/stats", "/api/sessions/{sessionId}", "/api/me/history",
            "/api/templates", "/api/templates/{templateId}",
            "/api/rooms/{roomId}/invites", "/api/rooms/{roomId}/invites/{inviteId}", "/api/invites/{token}",
            "/api/rooms/{roomId}/members", "/api/rooms/{roomId}/members/{userId}", "/api/rooms/shared",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }

        // The history lists answer JSON or, when asked, CSV; their shapes are named.
        var sessions = paths.GetProperty("/api/rooms/{roomId}/sessions").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(sessions.TryGetProperty("text/csv", out _));
        Assert.Contains("SessionPageResponse", sessions.ToString());
        Assert.Contains("RoomStatsResponse", paths.GetProperty("/api/rooms/{roomId}/stats").ToString());
        Assert.Contains("SessionDetailResponse", paths.GetProperty("/api/sessions/{sessionId}").ToString());
        Assert.Contains("TemplateListResponse", paths.GetProperty("/api/templates").ToString());
        Assert.Contains("InviteResponse", paths.GetProperty("/api/rooms/{roomId}/invites").ToString());

        var login = paths.GetProperty("/api/auth/login").GetProperty("post").GetProperty("responses");
        Assert.Contains("AccessTokenResponse", login.GetProperty("200").ToString());
        Assert.Contains("ProblemDetails", login.GetProperty("401").ToString());

        // The room carries its co-hosts and settings, with every setting named.
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var room = schemas.GetProperty("RoomDto").GetProperty("properties");
        Assert.True(room.TryGetProperty("coHostIds", out _));
        Assert.True(room.TryGetProperty("settings", out _));
        var settings = schemas.GetProperty("RoomSettings").GetProperty("properties");
        foreach (var name in new[] { "locked", "muteOnEntry", "camOffOnEntry", "whoCanShareScreen", "whoCanUnmute", "chatEnabled", "videoEnabled", "maxParticipants", "maxVideoHeight", "defaultRole" })
        {
            Assert.True(settings.TryGetProperty(name, out _), $"settings.{name} is missing from the OpenAPI document");
        }
    }
}
