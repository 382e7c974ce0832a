using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Auth;

/// <summary>Sign-ins, guest sign-ins, logouts and failed logins reach the operator's log at Information, without emails.</summary>
public abstract class AuthLogTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task Sign_ins_logouts_and_failed_logins_are_logged_with_event_ids_and_no_email()
    {
        var logs = new LogCapture();
        await using var app = fixture.CreateApp(
            new Dictionary<string, string?> { ["Logging:LogLevel:Parley"] = "Information" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        var client = app.CreateApiClient();
        var email = Api.UniqueEmail();
        await client.PostAsJsonAsync("/api/auth/register", new { email, password = "long enough", name = "Ann" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { email, password = "wrong password" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { email = Api.UniqueEmail(), password = "whatever" })).StatusCode);
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "long enough" });
        var token = (await login.ReadJsonAsync()).GetProperty("accessToken").GetString()!;
        var user = Api.AuthorizedClient(app, token);
        var userId = (await (await user.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("user").GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await user.PostAsync("/api/auth/logout", null)).StatusCode);
        var guest = await app.GuestAsync("Gus");

        var auth = logs.Entries.Where(e => e.Category.StartsWith("Parley.Server.Auth", StringComparison.Ordinal)).ToList();
        Assert.All(auth, e => Assert.Equal(LogLevel.Information, e.Level));
        Assert.Contains(auth, e => e.EventId == 3001 && e.Message.Contains(userId, StringComparison.Ordinal));
        Assert.Contains(auth, e => e.EventId == 3005 && e.Message.Contains(userId, StringComparison.Ordinal));
        Assert.Contains(auth, e => e.EventId == 3006);
        Assert.Contains(auth, e => e.EventId == 3002 && e.Message.Contains(userId, StringComparison.Ordinal));
        Assert.Contains(auth, e => e.EventId == 3004 && e.Message.Contains(userId, StringComparison.Ordinal));
        Assert.Contains(auth, e => e.EventId == 3003 && e.Message.Contains(guest.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("@example.test", StringComparison.Ordinal));
    }
}

public sealed class AuthLogSqliteTests(SqliteDatabaseFixture fixture) : AuthLogTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class AuthLogPostgresTests(PostgresDatabaseFixture fixture) : AuthLogTests(fixture), IClassFixture<PostgresDatabaseFixture>;
