using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace Parley.Server.Webhooks;

/// <summary>The outcome of one attempt: the HTTP status (null without an answer) and, when it failed, why.</summary>
internal readonly record struct WebhookAttempt(int? Status, string? Error)
{
    public bool Delivered => Status is >= 200 and < 300;
}

/// <summary>
/// Sends one signed delivery. The address is checked where the connection is made, after the name is resolved,
/// so a host name that has come to point into a private network since it was registered is refused too.
/// </summary>
internal sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly WebhookSettings _settings;
    private readonly TimeProvider _time;

    public WebhookSender(IOptions<WebhookSettings> options, TimeProvider time)
    {
        _settings = options.Value;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = _settings.Timeout,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Parley-Webhooks/1");
    }

    public async Task<WebhookAttempt> SendAsync(string url, string secret, string deliveryId, string type, string body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Parley-Event", type);
        request.Headers.Add("Parley-Delivery", deliveryId);
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Create(secret, _time.GetUtcNow().ToUnixTimeSeconds(), body));
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return new WebhookAttempt(status, response.IsSuccessStatusCode ? null : $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttempt(null, $"no answer within {_settings.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException exception)
        {
            return new WebhookAttempt(null, exception.InnerException?.Message ?? exception.Message);
        }
    }

    public void Dispose() => _client.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await WebhookAddresses.ResolveAllowedAsync(host, _settings.AllowPrivateAddresses, cancellationToken);
        if (addresses.Count == 0)
        {
            throw new HttpRequestException($"'{host}' resolves to no address this server may send webhooks to (private addresses are refused)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses.ToArray(), context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
