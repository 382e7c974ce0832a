using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.HubLoad;

/// <summary>The HTTP calls the load needs: accounts, guest tokens and rooms. Waits out 429s.</summary>
internal sealed class ParleyApi(HttpClient http)
{
    public async Task<string> RegisterOwnerAsync(string name)
    {
        var email = $"load-{Guid.NewGuid():N}@example.test";
        const string password = "Load-test-password-1";
        await SendAsync(() => http.PostAsJsonAsync("/api/auth/register", new { email, password, name }));
        var login = await SendAsync(() => http.PostAsJsonAsync("/api/auth/login", new { email, password }));
        return login.GetProperty("accessToken").GetString()!;
    }

    public async Task<string> GuestTokenAsync(string name)
    {
        var login = await SendAsync(() => http.PostAsJsonAsync("/api/auth/guest", new { name }));
        return login.GetProperty("accessToken").GetString()!;
    }

    public async Task<string> CreateRoomAsync(string ownerToken, string name)
    {
        var created = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/rooms/create") { Content = JsonContent.Create(new { name }) };
            request.Headers.Authorization = new("Bearer", ownerToken);
            return http.SendAsync(request);
        });
        return created.GetProperty("room").GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        while (true)
        {
            using var response = await send();
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }

            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {body}");
            }

            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }
}
