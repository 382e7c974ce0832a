using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

/// <summary>
/// The hub at /ws authenticates WebSockets by <c>?access_token=</c>; elsewhere a token in the query is ignored.
/// A probe middleware stands in for the hub and reports who the default scheme says the caller is.
/// </summary>
public sealed class HubTokenTests(SqliteDatabaseFixture fixture) : IClassFixture<SqliteDatabaseFixture>
{
    [Fact]
    public async Task The_access_token_query_parameter_authenticates_under_ws_only()
    {
        await using var app = fixture.CreateApp(services: s => s.AddTransient<IStartupFilter, WhoAmIProbe>());
        var user = await app.SignUpAsync();
        var client = app.CreateApiClient();

        Assert.Equal(user.Id, await client.GetStringAsync($"/ws/whoami?access_token={Uri.EscapeDataString(user.AccessToken)}"));
        Assert.Equal("anonymous", await client.GetStringAsync("/ws/whoami?access_token=garbage"));
        Assert.Equal("anonymous", await client.GetStringAsync($"/api-probe/whoami?access_token={Uri.EscapeDataString(user.AccessToken)}"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/auth/me?access_token={Uri.EscapeDataString(user.AccessToken)}")).StatusCode);
    }

    private sealed class WhoAmIProbe : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path.Value?.EndsWith("/whoami", StringComparison.Ordinal) == true)
                {
                    var result = await context.AuthenticateAsync();
                    await context.Response.WriteAsync(result.Succeeded ? result.Principal!.FindFirstValue(ClaimTypes.NameIdentifier)! : "anonymous");
                    return;
                }

                await nextMiddleware(context);
            });
            next(app);
        };
    }
}
