using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Rooms;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests;

/// <summary>Every kind of bad input gets a 400 problem (never a 500 or an empty 400).</summary>
public abstract class BadInputTests(DatabaseFixture fixture)
{
    private ParleyApp App => fixture.App;

    public static TheoryData<string> BadRoomBodies => new()
    {
        "{}",
        """{"name":""}""",
        """{"name":"   "}""",
        $$"""{"name":"{{new string('x', 101)}}"}""",
        """{"name":5}""",
        """{"name":["a"]}""",
        """{"name":null}""",
        """{"name":"ok","requireAccessBeforeJoining":"yes"}""",
        """{"name":"nul\u0000byte"}""",
        """{"name":"line\nbreak"}""",
        """{"name":"ok","requireAccessBeforeJoining":1}""",
        """{"name":""",
        "not json",
        "[]",
        "null",
        "",
    };

    [Theory]
    [MemberData(nameof(BadRoomBodies))]
    public async Task Create_room_with_a_bad_body_is_400(string body)
    {
        var user = await App.SignUpAsync();
        var response = await user.Client.PostAsync("/api/rooms/create", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_100_character_name_is_fine()
    {
        var user = await App.SignUpAsync();
        var room = await user.CreateRoomAsync(new string('x', 100));
        Assert.Equal(100, room.GetProperty("name").GetString()!.Length);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_400()
    {
        var user = await App.SignUpAsync();
        var body = $$"""{"name":"ok","padding":"{{new string('x', 64 * 1024)}}"}""";
        var response = await user.Client.PostAsync("/api/rooms/create", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_chunked_body_over_64_KiB_is_400()
    {
        var user = await App.SignUpAsync();
        var body = $$"""{"name":"ok","padding":"{{new string('x', 70 * 1024)}}"}""";
        var response = await user.Client.PostAsync("/api/rooms/create", new UnknownLengthContent(body));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("64 KiB", problem.GetProperty("detail").GetString());

        var small = await user.Client.PostAsync("/api/rooms/create", new UnknownLengthContent("""{"name":"chunked"}"""));
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
    }

    /// <summary>JSON sent without a Content-Length, as a chunked upload is.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(string json)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task A_body_that_is_not_json_content_is_400_with_a_problem_that_names_the_content_type()
    {
        var user = await App.SignUpAsync();
        var response = await user.Client.PostAsync("/api/rooms/create", new StringContent("""{"name":"ok"}""", Encoding.UTF8, "text/plain"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Content-Type: application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> BadPatchBodies => new()
    {
        """{"name":""}""",
        $$"""{"name":"{{new string('x', 101)}}"}""",
        """{"name":7}""",
        """{"requireAccessBeforeJoining":"no"}""",
        "{",
        "",
    };

    [Theory]
    [MemberData(nameof(BadPatchBodies))]
    public async Task Patch_with_a_bad_body_is_400(string body)
    {
        var user = await App.SignUpAsync();
        var room = await user.CreateRoomAsync();
        var response = await user.Client.PatchAsync($"/api/rooms/{room.GetProperty("id").GetString()}", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    public static TheoryData<string, string> BadAuthBodies => new()
    {
        { "/api/auth/register", """{"password":"long enough","name":"A"}""" },
        { "/api/auth/register", """{"email":"not-an-email","password":"long enough","name":"A"}""" },
        { "/api/auth/register", """{"email":"a@example.test","password":"short","name":"A"}""" },
        { "/api/auth/register", """{"email":"a@example.test","password":"long enough","name":""}""" },
        { "/api/auth/register", $$"""{"email":"a@example.test","password":"long enough","name":"{{new string('n', 101)}}"}""" },
        { "/api/auth/register", """{"email":42,"password":"long enough","name":"A"}""" },
        { "/api/auth/register", "{" },
        { "/api/auth/register", """{"email":"a\u0000@example.test","password":"long enough","name":"A"}""" },
        { "/api/auth/register", """{"email":"a@example.test","password":"long enough","name":"nul\u0000"}""" },
        { "/api/auth/login", """{"email":"a\u0000@example.test","password":"long enough"}""" },
        { "/api/auth/guest", """{"name":"nul\u0000"}""" },
        { "/api/auth/login", """{"email":"a@example.test"}""" },
        { "/api/auth/login", """{"email":true,"password":"x"}""" },
        { "/api/auth/login", "" },
        { "/api/auth/guest", "{}" },
        { "/api/auth/guest", """{"name":"  "}""" },
        { "/api/auth/guest", $$"""{"name":"{{new string('g', 101)}}"}""" },
        { "/api/auth/guest", """{"name":{}}""" },
        { "/api/auth/refresh", "{}" },
        { "/api/auth/refresh", """{"refreshToken":123}""" },
    };

    [Theory]
    [MemberData(nameof(BadAuthBodies))]
    public async Task Auth_with_a_bad_body_is_400(string path, string body)
    {
        var response = await App.CreateApiClient().PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_bad_useCookies_value_is_400()
    {
        var response = await App.CreateApiClient().PostAsJsonAsync("/api/auth/guest?useCookies=maybe", new { name = "G" });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("%25abc")]
    [InlineData("a%20b")]
    [InlineData("%C3%A9t%C3%A9")]
    public async Task Room_ids_that_cannot_exist_are_404_without_a_server_error(string id)
    {
        var user = await App.SignUpAsync();
        await (await user.Client.GetAsync($"/api/rooms/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.Client.PatchAsJsonAsync($"/api/rooms/{id}", new { name = "n" })).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.Client.DeleteAsync($"/api/rooms/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await user.Client.GetAsync($"/api/rooms/join/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_room_service_does_not_send_a_NUL_id_to_the_database()
    {
        // Kestrel rejects %00 in a path itself; the hub hands ids to the service straight from JSON.
        var user = await App.SignUpAsync();
        await using var scope = App.Services.CreateAsyncScope();
        var rooms = scope.ServiceProvider.GetRequiredService<RoomService>();
        Assert.Null(await rooms.FindAsync("a\0b", CancellationToken.None));
        Assert.Empty(await rooms.GetUsersAsync("a\0b", CancellationToken.None));
        Assert.Equal(RoomOutcomeStatus.NotFound, (await rooms.UpdateAsync("a\0b", user.Id, "n", null, RoomSettingsPatch.None, CancellationToken.None)).Status);
        Assert.Equal(RoomOutcomeStatus.NotFound, (await rooms.DeleteAsync("a\0b", user.Id, CancellationToken.None)).Status);
        Assert.Null(await rooms.FindByJoinCodeAsync("ABC\0EF", CancellationToken.None));
    }

    [Fact]
    public async Task Unknown_api_paths_are_404_problems()
    {
        var user = await App.SignUpAsync();
        await (await user.Client.GetAsync("/api/nothing-here")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class BadInputSqliteTests(SqliteDatabaseFixture fixture) : BadInputTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class BadInputPostgresTests(PostgresDatabaseFixture fixture) : BadInputTests(fixture), IClassFixture<PostgresDatabaseFixture>;
