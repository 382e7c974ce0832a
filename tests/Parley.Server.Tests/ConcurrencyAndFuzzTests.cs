using System.Net;
using System.Net.Http.Json;
using System.Text;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

public abstract class ConcurrencyAndFuzzTests(DatabaseFixture fixture)
{
    private ParleyApp App => fixture.App;

    [Fact]
    public async Task Concurrent_creates_all_succeed_with_distinct_codes()
    {
        var owners = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => App.SignUpAsync($"owner {i}")));
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            owners[i % owners.Length].Client.PostAsJsonAsync("/api/rooms/create", new { name = $"room {i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var codes = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync()).GetProperty("room").GetProperty("joinCode").GetString()));
        Assert.Equal(codes.Length, codes.Distinct().Count());
    }

    [Fact]
    public async Task Mangled_bodies_get_400_or_success_never_a_server_error()
    {
        var user = await App.SignUpAsync();
        var room = await user.CreateRoomAsync();
        var roomPath = $"/api/rooms/{room.GetProperty("id").GetString()}";
        var random = new Random(20261129);
        var targets = new (HttpMethod Method, string Path, string Body, HttpClient Client)[]
        {
            (HttpMethod.Post, "/api/rooms/create", """{"name":"Team sync","requireAccessBeforeJoining":true}""", user.Client),
            (HttpMethod.Patch, roomPath, """{"name":"Renamed","requireAccessBeforeJoining":false}""", user.Client),
            (HttpMethod.Post, "/api/auth/guest", """{"name":"Visitor"}""", App.CreateApiClient()),
            (HttpMethod.Post, "/api/auth/login", """{"email":"x@example.test","password":"whatever pw"}""", App.CreateApiClient()),
            (HttpMethod.Post, "/api/auth/refresh", """{"refreshToken":"abc"}""", App.CreateApiClient()),
        };

        foreach (var (method, path, body, client) in targets)
        {
            for (var i = 0; i < 40; i++)
            {
                var mangled = Mangle(body, random);
                using var request = new HttpRequestMessage(method, path) { Content = new StringContent(mangled, Encoding.UTF8, "application/json") };
                var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                Assert.True(status < 500, $"{method} {path} with {mangled} gave {status}: {await response.Content.ReadAsStringAsync()}");
                if (status == 400)
                {
                    await response.AssertProblemAsync(HttpStatusCode.BadRequest);
                }
            }
        }
    }

    /// <summary>Deletes, duplicates or replaces a few characters (with JSON punctuation most of the time).</summary>
    private static string Mangle(string json, Random random)
    {
        const string punctuation = "{}[]\":,\\ 0-9tfnulle\u00e9\u0000";
        var text = new StringBuilder(json);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && text.Length > 0; e++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(3))
            {
                case 0:
                    text.Remove(at, 1);
                    break;
                case 1:
                    text.Insert(at, punctuation[random.Next(punctuation.Length)]);
                    break;
                default:
                    text[at] = punctuation[random.Next(punctuation.Length)];
                    break;
            }
        }

        return text.ToString();
    }
}

public sealed class ConcurrencyAndFuzzSqliteTests(SqliteDatabaseFixture fixture) : ConcurrencyAndFuzzTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class ConcurrencyAndFuzzPostgresTests(PostgresDatabaseFixture fixture) : ConcurrencyAndFuzzTests(fixture), IClassFixture<PostgresDatabaseFixture>;
