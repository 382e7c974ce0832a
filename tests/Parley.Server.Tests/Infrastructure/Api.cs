using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>A signed-in user of a test app: their id, tokens and a client that sends the access token.</summary>
public sealed record TestUser(string Id, string AccessToken, string RefreshToken, HttpClient Client);

/// <summary>Calls the public API the way a client would, and checks the contract's response shapes.</summary>
public static class Api
{
    private static int s_counter;

    public static string UniqueEmail() => $"user{Interlocked.Increment(ref s_counter)}-{Guid.NewGuid():N}@example.test";

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Registers and signs in a new account.</summary>
    public static async Task<TestUser> SignUpAsync(this ParleyApp app, string name = "Ann")
    {
        var email = UniqueEmail();
        var anonymous = app.CreateApiClient();
        var register = await anonymous.PostAsJsonAsync("/api/auth/register", new { email, password = "correct horse", name });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var id = (await register.ReadJsonAsync()).GetProperty("user").GetProperty("id").GetString()!;
        var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = "correct horse" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return await ToUserAsync(app, id, login);
    }

    /// <summary>Signs in a new guest.</summary>
    public static async Task<TestUser> GuestAsync(this ParleyApp app, string name = "Guest")
    {
        var response = await app.CreateApiClient().PostAsJsonAsync("/api/auth/guest", new { name });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = await response.ReadJsonAsync();
        var client = AuthorizedClient(app, tokens.GetProperty("accessToken").GetString()!);
        var me = await (await client.GetAsync("/api/auth/me")).ReadJsonAsync();
        return new TestUser(
            me.GetProperty("user").GetProperty("id").GetString()!,
            tokens.GetProperty("accessToken").GetString()!,
            tokens.GetProperty("refreshToken").GetString()!,
            client);
    }

    public static HttpClient AuthorizedClient(ParleyApp app, string accessToken)
    {
        var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>Creates a room and returns the response's <c>room</c> object.</summary>
    public static async Task<JsonElement> CreateRoomAsync(this TestUser user, string name = "Standup", bool? requireAccessBeforeJoining = null)
    {
        var response = await user.Client.PostAsJsonAsync("/api/rooms/create", new { name, requireAccessBeforeJoining });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("room");
    }

    /// <summary>Asserts an RFC 9457 problem response with this status, a title and a detail.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    /// <summary>Asserts the object has exactly these JSON property names.</summary>
    public static void AssertProperties(JsonElement element, params string[] names)
    {
        var actual = element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal).ToArray(), actual);
    }

    private static async Task<TestUser> ToUserAsync(ParleyApp app, string id, HttpResponseMessage login)
    {
        var tokens = await login.ReadJsonAsync();
        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        var access = tokens.GetProperty("accessToken").GetString()!;
        return new TestUser(id, access, tokens.GetProperty("refreshToken").GetString()!, AuthorizedClient(app, access));
    }
}
