using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Tests.Webhooks;

/// <summary>One POST as the receiver got it, with the status it answered.</summary>
public sealed record ReceivedDelivery(string? Event, string? DeliveryId, string? Signature, string Body, int Answered)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string Type => Json.GetProperty("type").GetString()!;
}

/// <summary>
/// A real HTTP receiver: Kestrel on 127.0.0.1 at a port of its own, recording every POST to <c>/hook</c> and
/// answering from a script of statuses (200 once the script runs out, unless <see cref="DefaultStatus"/> says
/// otherwise). It can be stopped and started again on the same port (a receiver that is down).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<int> _script = new();
    private readonly List<ReceivedDelivery> _received = [];
    private WebApplication? _app;

    public WebhookReceiver()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public int DefaultStatus { get; set; } = 200;

    public IReadOnlyList<ReceivedDelivery> Received
    {
        get
        {
            lock (_received) return [.. _received];
        }
    }

    /// <summary>The next answers, in order, before <see cref="DefaultStatus"/> again.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _script.Enqueue(status);
        }
    }

    public static async Task<WebhookReceiver> StartNewAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, Port));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = _script.TryDequeue(out var scripted) ? scripted : DefaultStatus;
            var headers = context.Request.Headers;
            lock (_received)
            {
                _received.Add(new ReceivedDelivery(headers["Parley-Event"], headers["Parley-Delivery"], headers["Parley-Signature"], body, status));
            }

            context.Response.StatusCode = status;
        });
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Waits until what was received satisfies <paramref name="condition"/>; fails with what arrived.</summary>
    public async Task<IReadOnlyList<ReceivedDelivery>> WaitForAsync(Func<IReadOnlyList<ReceivedDelivery>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var received = Received;
            if (condition(received))
            {
                return received;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"The receiver did not get what was expected; it got: {string.Join(", ", received.Select(r => $"{r.Type}={r.Answered}"))}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until <paramref name="count"/> deliveries were answered 2xx; returns those, in arrival order.</summary>
    public async Task<IReadOnlyList<ReceivedDelivery>> WaitForDeliveredAsync(int count, TimeSpan? timeout = null)
    {
        var received = await WaitForAsync(r => r.Count(d => d.Answered is >= 200 and < 300) >= count, timeout);
        return received.Where(d => d.Answered is >= 200 and < 300).ToList();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
