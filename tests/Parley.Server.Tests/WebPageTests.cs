using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

/// <summary>The page is served at / and at /r/{joinCode} (the client routes); the API keeps its own 404s.</summary>
public sealed class WebPageTests(SqliteDatabaseFixture fixture) : IClassFixture<SqliteDatabaseFixture>
{
    [Fact]
    public async Task Index_html_is_served_for_the_root_and_room_links()
    {
        var webRoot = Directory.CreateTempSubdirectory("parley-wwwroot-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(webRoot, "index.html"), "<!doctype html><title>Parley test page</title>");
            await using var app = fixture.CreateApp().WithWebHostBuilder(builder => builder.UseWebRoot(webRoot));
            var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

            // Any other page path gets the page too, which shows its own "not found" screen.
            foreach (var path in new[] { "/", "/r/ABC234", "/r/abc234", "/no/such/page", "/settings" })
            {
                var response = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("Parley test page", await response.Content.ReadAsStringAsync());
            }

            await (await client.GetAsync("/api/rooms/nothing/here")).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await client.GetAsync("/api/no-such-endpoint")).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await client.GetAsync("/API/nothing")).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        finally
        {
            Directory.Delete(webRoot, recursive: true);
        }
    }
}
