using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Auth;

/// <summary>
/// Logout ends every session cookie issued before it, at once; and a cookie that outlived its logout gets a 401
/// with the cookie cleared (never a 500), after which signing in works again.
/// </summary>
public abstract class SessionCookieLogoutTests(DatabaseFixture fixture)
{
    private const string CookieName = "parley_session";

    [Fact]
    public async Task A_copied_cookie_stops_working_the_moment_its_user_logs_out()
    {
        var app = fixture.App;
        var (browser, cookie) = await SignInWithCookieAsync(app);
        using var copy = CopyOf(app, cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/auth/me")).StatusCode);
        await using (var before = await StartHubAsync(app, cookie))
        {
            Assert.Equal(HubConnectionState.Connected, before.State);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/auth/logout", null)).StatusCode);

        var me = await copy.GetAsync("/api/auth/me");
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized);
        AssertCookieCleared(me);
        var create = await copy.PostAsJsonAsync("/api/rooms/create", new { name = "After logout" });
        await create.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var hub = await Assert.ThrowsAsync<HttpRequestException>(() => StartHubAsync(app, cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, hub.StatusCode);
    }

    [Fact]
    public async Task A_stale_cookie_half_an_hour_later_is_a_401_that_clears_it_and_sign_in_works_again()
    {
        // Identity re-validated the stamp 30 minutes after issue, and then failed with a 500 on every request.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = fixture.CreateApp(services: services =>
        {
            services.PostConfigureAll<CookieAuthenticationOptions>(options => options.TimeProvider = clock);
            services.PostConfigureAll<SecurityStampValidatorOptions>(options => options.TimeProvider = clock);
        });
        var (browser, cookie) = await SignInWithCookieAsync(app);
        var email = (await (await browser.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("user").GetProperty("email").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/auth/logout", null)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(31));

        using var stale = CopyOf(app, cookie);
        foreach (var path in new[] { "/api/auth/me", "/api/rooms" })
        {
            var response = await stale.GetAsync(path);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            AssertCookieCleared(response);
        }

        Assert.Equal(HttpStatusCode.OK, (await stale.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await stale.GetAsync("/health/live")).StatusCode);
        var guest = await stale.PostAsJsonAsync("/api/auth/guest", new { name = "Stale" });
        Assert.Equal(HttpStatusCode.OK, guest.StatusCode);

        // The browser still holding the stale cookie signs in again.
        using var again = app.CreateApiClient(handleCookies: true);
        again.DefaultRequestHeaders.Add("Cookie", $"{CookieName}={cookie}");
        var login = await again.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = "long enough" });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var fresh = ReadCookie(login);
        Assert.NotEqual(cookie, fresh);
        using var signedIn = CopyOf(app, fresh);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/auth/me")).StatusCode);
    }

    private static async Task<(HttpClient Browser, string Cookie)> SignInWithCookieAsync(ParleyApp app)
    {
        var browser = app.CreateApiClient(handleCookies: true);
        var email = Api.UniqueEmail();
        Assert.Equal(HttpStatusCode.Created, (await browser.PostAsJsonAsync("/api/auth/register", new { email, password = "long enough", name = "Cookie" })).StatusCode);
        var login = await browser.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = "long enough" });
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        return (browser, ReadCookie(login));
    }

    private static string ReadCookie(HttpResponseMessage response)
    {
        var header = response.Headers.GetValues("Set-Cookie").Last(h => h.StartsWith(CookieName + "=", StringComparison.Ordinal));
        return header[(CookieName.Length + 1)..header.IndexOf(';', StringComparison.Ordinal)];
    }

    /// <summary>Another client presenting the same cookie (a copied cookie), without a cookie jar of its own.</summary>
    private static HttpClient CopyOf(ParleyApp app, string cookie)
    {
        var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Add("Cookie", $"{CookieName}={cookie}");
        return client;
    }

    private static void AssertCookieCleared(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Set-Cookie", out var values), "The stale cookie was not cleared.");
        Assert.Contains(values, v => v.StartsWith(CookieName + "=;", StringComparison.Ordinal) && v.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<HubConnection> StartHubAsync(ParleyApp app, string cookie)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/ws"), options =>
            {
                options.Transports = HttpTransportType.LongPolling;
                options.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                options.Headers["Cookie"] = $"{CookieName}={cookie}";
            })
            .Build();
        try
        {
            await connection.StartAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

public sealed class SessionCookieLogoutSqliteTests(SqliteDatabaseFixture fixture) : SessionCookieLogoutTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class SessionCookieLogoutPostgresTests(PostgresDatabaseFixture fixture) : SessionCookieLogoutTests(fixture), IClassFixture<PostgresDatabaseFixture>;
