using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Parley.Server.Tests.Hubs;

namespace Parley.Server.Tests.Webhooks;

/// <summary>The webhook API as a client calls it, and the receiver's side of the signature.</summary>
public static class WebhookApi
{
    public static async Task<HttpResponseMessage> SendAsync(this HubServer server, TestUser user, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await server.Http.SendAsync(request);
    }

    /// <summary>Registers a webhook that must be accepted; returns the <c>webhook</c> object (with its secret).</summary>
    public static async Task<JsonElement> RegisterWebhookAsync(this HubServer server, TestUser user, string url, string[] events, string? roomId = null)
    {
        using var response = await server.SendAsync(user, HttpMethod.Post, "/api/webhooks", new { url, events, roomId });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("webhook").Clone();
    }

    public static async Task<List<JsonElement>> DeliveriesAsync(this HubServer server, TestUser user, string webhookId)
    {
        using var response = await server.SendAsync(user, HttpMethod.Get, $"/api/webhooks/{webhookId}/deliveries");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deliveries").EnumerateArray().ToList();
    }

    /// <summary>Polls the delivery log until <paramref name="condition"/> holds; fails with the last log seen.</summary>
    public static async Task<List<JsonElement>> WaitForDeliveriesAsync(
        this HubServer server, TestUser user, string webhookId, Func<List<JsonElement>, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var log = await server.DeliveriesAsync(user, webhookId);
            if (condition(log))
            {
                return log;
            }

            Assert.True(DateTime.UtcNow < deadline, "The delivery log is not as expected: " + string.Join(", ", log.Select(d => d.GetRawText())));
            await Task.Delay(100);
        }
    }

    /// <summary>Checks <c>Parley-Signature</c> the way a receiver should: recompute the HMAC over "t.body" with the secret.</summary>
    public static void AssertSigned(ReceivedDelivery delivery, string secret)
    {
        Assert.NotNull(delivery.Signature);
        var parts = delivery.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, -60, 300);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{delivery.Body}"));
        Assert.True(
            CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(parts["v1"])),
            $"Signature {delivery.Signature} does not match the body.");
    }
}
