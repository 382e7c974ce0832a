using System.Net;
using System.Text;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Validation;

/// <summary>
/// A lone UTF-16 surrogate (<c>"\ud800"</c> in JSON) in any string field is a 400 naming the field, and a name
/// made only of invisible characters is refused.
/// </summary>
public abstract class TextInputApiTests(DatabaseFixture fixture)
{
    private const string Lone = "\\ud800";

    private ParleyApp App => fixture.App;

    public static TheoryData<string, string, string> LoneSurrogateBodies => new()
    {
        { "/api/auth/register", $$"""{"email":"a{{Lone}}@example.test","password":"long enough","name":"Ann"}""", "email" },
        { "/api/auth/register", $$"""{"email":"ann@example.test","password":"long {{Lone}}enough","name":"Ann"}""", "password" },
        { "/api/auth/register", $$"""{"email":"ann@example.test","password":"long enough","name":"A{{Lone}}nn"}""", "name" },
        { "/api/auth/login", $$"""{"email":"ann@example.test","password":"x{{Lone}}"}""", "password" },
        { "/api/auth/guest", $$"""{"name":"{{Lone}}"}""", "name" },
        { "/api/auth/guest", """{"name":"\udc00 low first"}""", "name" },
        { "/api/auth/refresh", $$"""{"refreshToken":"{{Lone}}"}""", "refreshToken" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogateBodies))]
    public async Task A_lone_surrogate_is_a_400_naming_the_field(string path, string body, string field)
    {
        var response = await App.CreateApiClient().PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains($"\"{field}\"", detail, StringComparison.Ordinal);
        Assert.Contains("surrogate", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_room_name_is_a_400_naming_the_field()
    {
        var user = await App.SignUpAsync();
        var created = await user.Client.PostAsync("/api/rooms/create", new StringContent($$"""{"name":"Stand{{Lone}}up"}""", Encoding.UTF8, "application/json"));
        var problem = await created.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"name\"", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);

        var room = await user.CreateRoomAsync();
        var patched = await user.Client.PatchAsync(
            $"/api/rooms/{room.GetProperty("id").GetString()}", new StringContent($$"""{"name":"{{Lone}}"}""", Encoding.UTF8, "application/json"));
        Assert.Contains("\"name\"", (await patched.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    public static TheoryData<string> InvisibleNames => new()
    {
        "\u200b",
        "\u200b\u200c\u200d",
        "\ufeff",
        "\u2060\u2061",
        "\u00ad",
        "\u3164",
        " \u200b \u00a0 ",
        "\u202e\u202d",
    };

    [Theory]
    [MemberData(nameof(InvisibleNames))]
    public async Task A_name_of_invisible_characters_is_refused_everywhere(string name)
    {
        var guest = await App.CreateApiClient().PostAsync("/api/auth/guest", Json(new { name }));
        Assert.Contains("\"name\"", (await guest.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!, StringComparison.Ordinal);

        var register = await App.CreateApiClient().PostAsync("/api/auth/register", Json(new { email = Api.UniqueEmail(), password = "long enough", name }));
        await register.AssertProblemAsync(HttpStatusCode.BadRequest);

        var user = await App.SignUpAsync();
        var room = await user.Client.PostAsync("/api/rooms/create", Json(new { name }));
        await room.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Names_with_emoji_sequences_and_accents_are_fine()
    {
        // A ZWJ inside an emoji family and a combining accent are part of visible text.
        var guest = await App.GuestAsync("\U0001F468\u200D\U0001F469\u200D\U0001F467 Zoe\u0301");
        var me = (await (await guest.Client.GetAsync("/api/auth/me")).ReadJsonAsync()).GetProperty("user");
        Assert.Equal("\U0001F468\u200D\U0001F469\u200D\U0001F467 Zoe\u0301", me.GetProperty("name").GetString());
    }

    private static StringContent Json(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}

public sealed class TextInputApiSqliteTests(SqliteDatabaseFixture fixture) : TextInputApiTests(fixture), IClassFixture<SqliteDatabaseFixture>;

public sealed class TextInputApiPostgresTests(PostgresDatabaseFixture fixture) : TextInputApiTests(fixture), IClassFixture<PostgresDatabaseFixture>;
