using System.Net;
using System.Net.Http.Json;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

public abstract class RateLimitTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task Login_and_guest_are_limited_per_client_with_429()
    {
        await using var app = fixture.CreateApp(new Dictionary<string, string?>
        {
            ["RateLimits:Auth:PermitLimit"] = "3",
            ["RateLimits:Auth:WindowSeconds"] = "600",
        });
        var client = app.CreateApiClient();
        for (var i = 0; i < 3; i++)
        {
            var attempt = await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@example.test", password = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        var limited = await client.PostAsJsonAsync("/api/auth/login", new { email = "nobody@example.test", password = "wrong password" });
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter is not null);
        await (await client.PostAsJsonAsync("/api/auth/guest", new { name = "G" })).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Join_code_lookups_are_limited_so_codes_cannot_be_guessed()
    {
        await using var app = fixture.CreateApp(new Dictionary<string, string?>
        {
            ["RateLimits:JoinCode:PermitLimit"] = "5",
            ["RateLimits:JoinCode:WindowSeconds"] = "600",
        });
        var user = await app.SignUpAsync();
        var room = await user.CreateRoomAsync();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync("/api/rooms/join/ZZZZZZ")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync($"/api/rooms/join/{room.GetProperty("joinCode").GetString()}")).StatusCode);
        await (await user.Client.GetAsync($"/api/rooms/join/{room.GetProperty("joinCode").GetString()}")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        // Other endpoints are not limited by it.
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync($"/api/rooms/{room.GetProperty("id").GetString()}")).StatusCode);
    }

    [Fact]
    public async Task Invite_link_lookups_share_the_join_code_limit()
    {
        await using var app = fixture.CreateApp(new Dictionary<string, string?>
        {
            ["RateLimits:JoinCode:PermitLimit"] = "4",
            ["RateLimits:JoinCode:WindowSeconds"] = "600",
        });
        var user = await app.SignUpAsync();
        var room = await user.CreateRoomAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync("/api/invites/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await user.Client.GetAsync("/api/rooms/join/ZZZZZZ")).StatusCode);
        await (await user.Client.GetAsync("/api/invites/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        await (await user.Client.GetAsync($"/api/rooms/join/{room.GetProperty("joinCode").GetString()}")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }
}

public sealed class RateLimitSqliteTests(SqliteDatabaseFixture fixture) : RateLimitTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class RateLimitPostgresTests(PostgresDatabaseFixture fixture) : RateLimitTests(fixture), IClassFixture<PostgresDatabaseFixture>;
