using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

public abstract class AuthApiTests(DatabaseFixture fixture)
{
    private ParleyApp App => fixture.App;

    [Fact]
    public async Task Register_returns_201_with_the_user_and_a_second_time_409()
    {
        var client = App.CreateApiClient();
        var email = Api.UniqueEmail();
        var response = await client.PostAsJsonAsync("/api/auth/register", new { email, password = "long enough", name = " Ann " });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Api.AssertProperties(body, "user");
        var user = body.GetProperty("user");
        Api.AssertProperties(user, "id", "email", "name");
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal("Ann", user.GetProperty("name").GetString());
        Assert.Matches("^[a-z][a-z0-9]{23,31}$", user.GetProperty("id").GetString());

        var again = await client.PostAsJsonAsync("/api/auth/register", new { email = email.ToUpperInvariant(), password = "another one", name = "Bob" });
        await again.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Login_returns_bearer_tokens_and_me_describes_the_user()
    {
        var client = App.CreateApiClient();
        var email = Api.UniqueEmail();
        await client.PostAsJsonAsync("/api/auth/register", new { email, password = "long enough", name = "Ann" });

        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "long enough" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = await login.ReadJsonAsync();
        Api.AssertProperties(tokens, "tokenType", "accessToken", "expiresIn", "refreshToken");
        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.True(tokens.GetProperty("expiresIn").GetInt32() > 0);

        var me = await Api.AuthorizedClient(App, tokens.GetProperty("accessToken").GetString()!).GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await me.ReadJsonAsync();
        Api.AssertProperties(body, "user");
        Api.AssertProperties(body.GetProperty("user"), "id", "email", "name", "isGuest");
        Assert.Equal(email, body.GetProperty("user").GetProperty("email").GetString());
        Assert.False(body.GetProperty("user").GetProperty("isGuest").GetBoolean());
    }

    [Fact]
    public async Task Login_with_a_wrong_password_or_unknown_email_is_401()
    {
        var user = await App.SignUpAsync();
        var client = App.CreateApiClient();
        var me = await (await user.Client.GetAsync("/api/auth/me")).ReadJsonAsync();
        var email = me.GetProperty("user").GetProperty("email").GetString();

        await (await client.PostAsJsonAsync("/api/auth/login", new { email, password = "wrong password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/api/auth/login", new { email = Api.UniqueEmail(), password = "whatever it is" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_issues_new_tokens_and_rejects_garbage()
    {
        var user = await App.SignUpAsync();
        var client = App.CreateApiClient();

        var refresh = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        var tokens = await refresh.ReadJsonAsync();
        Api.AssertProperties(tokens, "tokenType", "accessToken", "expiresIn", "refreshToken");
        var me = await Api.AuthorizedClient(App, tokens.GetProperty("accessToken").GetString()!).GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        await (await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "garbage" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // An access token is not a refresh token.
        await (await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.AccessToken })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Guest_gets_tokens_and_is_a_guest_without_email()
    {
        var guest = await App.GuestAsync(" Gus ");
        var me = (await (await guest.Client.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("user");
        Assert.True(me.GetProperty("isGuest").GetBoolean());
        Assert.Equal("Gus", me.GetProperty("name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, me.GetProperty("email").ValueKind);
        Assert.Matches("^[a-z][a-z0-9]{23,31}$", me.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Logout_is_204_and_kills_the_refresh_token()
    {
        var user = await App.SignUpAsync();
        var logout = await user.Client.PostAsync("/api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        var refresh = await App.CreateApiClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Session_cookie_signs_in_without_an_authorization_header_and_logout_ends_it()
    {
        var email = Api.UniqueEmail();
        var client = App.CreateApiClient(handleCookies: true);
        await client.PostAsJsonAsync("/api/auth/register", new { email, password = "long enough", name = "Cookie" });

        var login = await client.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = "long enough" });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
        var create = await client.PostAsJsonAsync("/api/rooms/create", new { name = "By cookie" });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);
        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Guest_session_cookie_works_and_a_guest_still_cannot_create_rooms()
    {
        var client = App.CreateApiClient(handleCookies: true);
        var guest = await client.PostAsJsonAsync("/api/auth/guest?useCookies=true", new { name = "Cookie guest" });
        Assert.Equal(HttpStatusCode.NoContent, guest.StatusCode);
        var me = (await (await client.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("user");
        Assert.True(me.GetProperty("isGuest").GetBoolean());
        await (await client.PostAsJsonAsync("/api/rooms/create", new { name = "x" })).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_expired_access_token_is_401_and_refresh_gets_a_new_one()
    {
        // The bearer handler's clock moves instead of the test sleeping: a loaded machine once let a 1 s token expire
        // between sign-up and the first request.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = fixture.CreateApp(services: s => s.Configure<BearerTokenOptions>(
            IdentityConstants.BearerScheme, o => o.TimeProvider = clock));
        var user = await app.SignUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync("/api/auth/me")).StatusCode);

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await (await user.Client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var refresh = await app.CreateApiClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        var fresh = (await refresh.ReadJsonAsync()).GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Api.AuthorizedClient(app, fresh).GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_token_issued_before_a_restart_still_works_after_it()
    {
        TestUser user;
        await using (var before = fixture.CreateApp())
        {
            user = await before.SignUpAsync();
            await user.CreateRoomAsync("before restart");
        }

        await using var after = fixture.CreateApp();
        var me = await Api.AuthorizedClient(after, user.AccessToken).GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(user.Id, (await me.ReadJsonAsync()).GetProperty("user").GetProperty("id").GetString());
        var refresh = await after.CreateApiClient().PostAsJsonAsync("/api/auth/refresh", new { refreshToken = user.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        var rooms = await (await Api.AuthorizedClient(after, user.AccessToken).GetAsync("/api/rooms")).ReadJsonAsync();
        Assert.Equal(1, rooms.GetProperty("rooms").GetArrayLength());
    }
}

public sealed class AuthApiSqliteTests(SqliteDatabaseFixture fixture) : AuthApiTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class AuthApiPostgresTests(PostgresDatabaseFixture fixture) : AuthApiTests(fixture), IClassFixture<PostgresDatabaseFixture>;
