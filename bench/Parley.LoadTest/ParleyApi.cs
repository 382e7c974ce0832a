using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.LoadTest;

/// <summary>The HTTP half of joining: accounts, rooms, guest sign-in and the join-code lookup.</summary>
internal sealed class ParleyApi(HttpClient http, TimeSpan rateLimitPatience)
{
    private readonly DateTime _patienceEnds = DateTime.UtcNow + rateLimitPatience;

    /// <summary>Registers a fresh owner account (guests may not create rooms) and returns its access token.</summary>
    public async Task<string> RegisterOwnerAsync()
    {
        var email = $"loadtest-{Guid.NewGuid():N}@example.test";
        const string password = "Load-test-password-1";
        await SendAsync(() => http.PostAsJsonAsync("/api/auth/register", new { email, password, name = "Load test owner" }));
        var login = await SendAsync(() => http.PostAsJsonAsync("/api/auth/login", new { email, password }));
        return login.GetProperty("accessToken").GetString()!;
    }

    public async Task<(string Id, string JoinCode)> CreateRoomAsync(string ownerToken, string name)
    {
        var created = await SendAsync(() => http.SendAsync(Authorized(HttpMethod.Post, "/api/rooms/create", ownerToken, new { name })));
        var room = created.GetProperty("room");
        return (room.GetProperty("id").GetString()!, room.GetProperty("joinCode").GetString()!);
    }

    public async Task<string> GuestTokenAsync(string name)
    {
        var login = await SendAsync(() => http.PostAsJsonAsync("/api/auth/guest", new { name }));
        return login.GetProperty("accessToken").GetString()!;
    }

    /// <summary>GET /api/rooms/join/{code}: the room id a browser gets from a join link.</summary>
    public async Task<string> LookUpAsync(string token, string joinCode)
    {
        var found = await SendAsync(() => http.SendAsync(Authorized(HttpMethod.Get, $"/api/rooms/join/{joinCode}", token, null)));
        return found.GetProperty("room").GetProperty("id").GetString()!;
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        return request;
    }

    /// <summary>Sends, waiting out a 429 as its Retry-After says while the patience lasts; then fails saying why.</summary>
    private async Task<JsonElement> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        while (true)
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                if (DateTime.UtcNow + wait > _patienceEnds)
                {
                    throw new RateLimitedException(
                        $"the server rate-limited {response.RequestMessage?.RequestUri?.AbsolutePath} (429) beyond this run's patience. " +
                        "Benchmarks start the server with RateLimits__Auth__PermitLimit=100000 and RateLimits__JoinCode__PermitLimit=100000.");
                }

                await Task.Delay(wait);
                continue;
            }

            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri?.AbsolutePath}: {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }
}

/// <summary>The server kept answering 429 for longer than the run may wait.</summary>
internal sealed class RateLimitedException(string message) : Exception(message);
