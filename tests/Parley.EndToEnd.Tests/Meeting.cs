using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using Parley.Media.Dtls;
using Parley.Media.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Transports;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Our router on a WebRtcServer at 127.0.0.1, one Chromium page producing the fake camera (VP8) and microphone (opus)
/// over a send transport, and another consuming both over a receive transport: the signaling a hub would do.
/// </summary>
internal sealed class Meeting : IAsyncDisposable
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate();
    private readonly WebRtcServer _server;
    private readonly Worker _worker;
    private readonly ConcurrentDictionary<string, WebRtcTransport> _transports = new();
    private readonly ConcurrentDictionary<string, Producer> _producers = new();

    private Meeting(WebRtcServer server, Worker worker, Router router, IPage sender, IPage receiver)
    {
        _server = server;
        _worker = worker;
        Router = router;
        SenderPage = sender;
        ReceiverPage = receiver;
    }

    public Router Router { get; }

    public IPage SenderPage { get; }

    public IPage ReceiverPage { get; }

    public WebRtcTransport SendTransport { get; private set; } = null!;

    public WebRtcTransport RecvTransport { get; private set; } = null!;

    public Producer AudioProducer { get; private set; } = null!;

    public Producer VideoProducer { get; private set; } = null!;

    public Consumer AudioConsumer { get; private set; } = null!;

    public Consumer VideoConsumer { get; private set; } = null!;

    /// <param name="browser">The shared Chromium.</param>
    /// <param name="simulcast">Three VP8 simulcast encodings instead of one.</param>
    /// <param name="svc">Instead of camera and microphone, a camera of one scalable encoding (codec MIME type and
    /// scalability mode) and no consumer yet: the test adds its own (<see cref="ConsumeVideoAsync"/>).</param>
    public static async Task<Meeting> StartAsync(BrowserFixture browser, bool simulcast = false, (string MimeType, string Mode)? svc = null)
    {
        var server = new WebRtcServer(new WebRtcServerOptions { Port = 0, EnableTcp = false });
        server.Start();
        var sender = await browser.NewPageAsync();
        var receiver = await browser.NewPageAsync();
        var worker = new Worker();
        var router = await worker.CreateRouterAsync();
        var meeting = new Meeting(server, worker, router, sender, receiver);
        await meeting.JoinAsync(simulcast, svc);
        return meeting;
    }

    public async Task<BrowserStats> StatsAsync() =>
        JsonSerializer.Deserialize<BrowserStats>(await ReceiverPage.EvaluateAsync<string>("async () => JSON.stringify(await parleyStats())"), JsonSerializerOptions.Web)!;

    public async Task<BrowserStats> WaitForStatsAsync(Func<BrowserStats, bool> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var stats = await StatsAsync();
            if (condition(stats))
                return stats;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out waiting for {what}; last stats {stats}; server: {await DiagnosticsAsync()}");
            await Task.Delay(250);
        }
    }

    public async Task<IcePair[]> IcePairsAsync(string direction) =>
        JsonSerializer.Deserialize<IcePair[]>(
            await (direction == "send" ? SenderPage : ReceiverPage).EvaluateAsync<string>("async d => JSON.stringify(await parleyIcePairs(d))", direction),
            JsonSerializerOptions.Web)!;

    /// <summary>What the router saw, for failure messages.</summary>
    public async Task<string> DiagnosticsAsync() =>
        $"video producer {JsonSerializer.Serialize<object>(await VideoProducer.GetStatsAsync())}, video consumer {JsonSerializer.Serialize<object>(await VideoConsumer.GetStatsAsync())}, "
        + $"send drops {JsonSerializer.Serialize(await SendTransport.GetDropCountsAsync())}, recv drops {JsonSerializer.Serialize(await RecvTransport.GetDropCountsAsync())}, "
        + $"recv {JsonSerializer.Serialize(await RecvTransport.GetStatsAsync())}";

    public async Task RestartIceAsync(string direction)
    {
        var transport = direction == "send" ? SendTransport : RecvTransport;
        var parameters = await transport.RestartIceAsync();
        var page = direction == "send" ? SenderPage : ReceiverPage;
        await page.EvaluateAsync("async ([d, p]) => parleyRestartIce(d, JSON.parse(p))",
            new object[] { direction, JsonSerializer.Serialize(parameters, WebRtcTransportInfo.JsonOptions) });
    }

    public async ValueTask DisposeAsync()
    {
        await SenderPage.Context.CloseAsync();
        await ReceiverPage.Context.CloseAsync();
        await _worker.CloseAsync();
        _server.Dispose();
    }

    /// <summary>Another consumer of the video producer on the receiving page; its page-side id is the consumer's.</summary>
    public Task<Consumer> ConsumeVideoAsync() => ConsumeAsync(VideoProducer, _deviceCapabilities);

    private RtpCapabilities _deviceCapabilities = null!;

    private async Task JoinAsync(bool simulcast, (string MimeType, string Mode)? svc)
    {
        await SenderPage.ExposeFunctionAsync<string, string, Task<string>>("parleySignal", OnSignalAsync);
        await ReceiverPage.ExposeFunctionAsync<string, string, Task<string>>("parleySignal", OnSignalAsync);
        await SenderPage.GotoAsync("http://localhost/index.html");
        await ReceiverPage.GotoAsync("http://localhost/index.html");

        var routerCapabilities = JsonSerializer.Serialize(Router.RtpCapabilities);
        await SenderPage.EvaluateAsync("async c => { await parleyLoad(JSON.parse(c)); }", routerCapabilities);
        var deviceCapabilities = JsonSerializer.Deserialize<RtpCapabilities>(
            await ReceiverPage.EvaluateAsync<string>("async c => JSON.stringify(await parleyLoad(JSON.parse(c)))", routerCapabilities))!;

        _deviceCapabilities = deviceCapabilities;
        SendTransport = await CreateTransportAsync(SenderPage, "send");
        RecvTransport = await CreateTransportAsync(ReceiverPage, "recv");
        if (svc is { } scalable)
        {
            var video = await SenderPage.EvaluateAsync<JsonElement>("async ([m, s]) => await parleyProduceSvc(m, s)", new object[] { scalable.MimeType, scalable.Mode });
            VideoProducer = _producers[video.GetProperty("video").GetString()!];
            return;
        }

        var produced = await SenderPage.EvaluateAsync<JsonElement>("async s => await parleyProduce(s)", simulcast);
        AudioProducer = _producers[produced.GetProperty("audio").GetString()!];
        VideoProducer = _producers[produced.GetProperty("video").GetString()!];

        AudioConsumer = await ConsumeAsync(AudioProducer, deviceCapabilities);
        VideoConsumer = await ConsumeAsync(VideoProducer, deviceCapabilities);
    }

    private async Task<WebRtcTransport> CreateTransportAsync(IPage page, string direction)
    {
        var transport = await Router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = _server, Certificate = Certificate });
        _transports[transport.Id] = transport;
        await page.EvaluateAsync("([d, i]) => parleyCreateTransport(d, JSON.parse(i))",
            new object[] { direction, JsonSerializer.Serialize(transport.Info, WebRtcTransportInfo.JsonOptions) });
        return transport;
    }

    private async Task<Consumer> ConsumeAsync(Producer producer, RtpCapabilities deviceCapabilities)
    {
        var consumer = await RecvTransport.ConsumeAsync(producer.Id, deviceCapabilities, paused: true);
        var options = JsonSerializer.Serialize(new
        {
            id = consumer.Id,
            producerId = producer.Id,
            kind = producer.Kind == MediaKind.Audio ? "audio" : "video",
            rtpParameters = consumer.RtpParameters,
        });
        await ReceiverPage.EvaluateAsync("async o => await parleyConsume(JSON.parse(o))", options);
        await consumer.ResumeAsync();
        return consumer;
    }

    /// <summary>The transport events mediasoup-client raises: connect and produce.</summary>
    private async Task<string> OnSignalAsync(string method, string json)
    {
        using var document = JsonDocument.Parse(json);
        var data = document.RootElement;
        var transport = _transports[data.GetProperty("transportId").GetString()!];
        switch (method)
        {
            case "connect":
                await transport.ConnectAsync(data.GetProperty("dtlsParameters").Deserialize<DtlsParameters>()!);
                return "";
            case "produce":
                var kind = data.GetProperty("kind").GetString() == "audio" ? MediaKind.Audio : MediaKind.Video;
                var producer = await transport.ProduceAsync(kind, data.GetProperty("rtpParameters").Deserialize<RtpParameters>()!);
                _producers[producer.Id] = producer;
                return JsonSerializer.Serialize(new { id = producer.Id });
            default:
                throw new InvalidOperationException($"Unknown signal {method}.");
        }
    }
}

/// <summary>The consuming page's summed inbound-rtp stats.</summary>
internal sealed record BrowserStats(long FramesDecoded, long VideoPacketsReceived, long AudioPacketsReceived, double TotalSamplesReceived);

/// <summary>One ICE candidate pair of Chromium's transport stats.</summary>
internal sealed record IcePair(string Id, string State, long ResponsesReceived, string RemoteCandidateId);
