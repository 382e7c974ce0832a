using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Media.Dtls;
using Parley.Media.Srtp;

namespace Parley.LoadTest;

/// <summary>
/// One person in a meeting, over the browser's wire: guest sign-in, room lookup by join code, the hub, joinRoom, a
/// send and a receive WebRtcTransport (ICE + DTLS-SRTP as client), mic and camera producers when publishing, and a
/// consumer (resumed, at the chosen layer) for every other participant's producer, old and new.
/// </summary>
internal sealed class Participant : IAsyncDisposable
{
    private const string TransportWideCcUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    private readonly LoadOptions _options;
    private readonly LoadCounters _counters;
    private readonly DtlsCertificate _certificate;
    private readonly Channel<JsonElement> _newProducers = Channel.CreateUnbounded<JsonElement>();
    private readonly HashSet<string> _consumedProducers = [];
    private readonly List<ClientTransport> _transports = [];
    private HubConnection? _hub;
    private JsonElement _rtpCapabilities;
    private string? _receiveTransportId;
    private Task? _consumeLoop;

    public Participant(int index, int room, bool publisher, LoadOptions options, LoadCounters counters, DtlsCertificate certificate)
    {
        Index = index;
        Room = room;
        IsPublisher = publisher;
        _options = options;
        _counters = counters;
        _certificate = certificate;
    }

    public int Index { get; }

    public int Room { get; }

    public bool IsPublisher { get; }

    public string? UserId { get; private set; }

    public MediaSender? Sender { get; private set; }

    public MediaReceiver? Receiver { get; private set; }

    /// <summary>True once its transports are up and its producers made.</summary>
    public bool Ready { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Received SRTP/SRTCP packets that failed authentication or the replay check, on both transports, by <see cref="SrtpResult"/>.</summary>
    public long SrtpFailures(SrtpResult result)
    {
        lock (_transports)
            return _transports.Sum(t => Interlocked.Read(ref t.SrtpFailures[(int)result]));
    }

    /// <summary>Code lookup → first frame of a remote video; only for those who found a camera already there.</summary>
    public double? JoinMilliseconds { get; private set; }

    private long _joinStartedAt;
    private bool _videoWasThere;

    /// <summary>Joins and starts media; failures are kept in <see cref="Error"/>, never thrown.</summary>
    public async Task StartAsync(ParleyApi api, string joinCode, CancellationToken cancel)
    {
        try
        {
            await JoinAsync(api, joinCode, cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancel.IsCancellationRequested)
        {
            Error = $"participant {Index} (room {Room}): {e.GetType().Name}: {e.Message}";
        }
    }

    private async Task JoinAsync(ParleyApi api, string joinCode, CancellationToken cancel)
    {
        var token = await api.GuestTokenAsync($"Load {Room}-{Index}");
        _joinStartedAt = Stopwatch.GetTimestamp();
        var roomId = await api.LookUpAsync(token, joinCode);

        var joined = await ConnectAndJoinAsync(_options.Nodes[Index % _options.Nodes.Count], token, roomId, cancel);
        UserId = joined.GetProperty("self").GetProperty("userId").GetString();
        _rtpCapabilities = joined.GetProperty("routerRtpCapabilities");
        foreach (var producer in joined.GetProperty("producers").EnumerateArray())
        {
            _videoWasThere |= producer.GetProperty("kind").GetString() == "video";
            _newProducers.Writer.TryWrite(producer);
        }

        var receive = await CreateTransportAsync(producing: false, cancel);
        _receiveTransportId = receive.Id;
        Receiver = new MediaReceiver(receive.Transport, _counters, OnFirstMedia);
        if (IsPublisher)
        {
            var send = await CreateTransportAsync(producing: true, cancel);
            var cname = $"load-{Index}";
            var sender = new MediaSender(send.Transport, _counters, cname, video: !_options.AudioOnly, _options.SendLossPercent);
            await Invoke("produce", new
            {
                transportId = send.Id, kind = "audio", rtpParameters = RtpProfile.Audio(sender.Audio.Ssrc, cname),
                appData = new { source = "mic" },
            }, cancel);
            if (!_options.AudioOnly)
            {
                await Invoke("produce", new
                {
                    transportId = send.Id, kind = "video", rtpParameters = RtpProfile.Video(cname), appData = new { source = "cam" },
                }, cancel);
            }

            Sender = sender;
        }

        _consumeLoop = Task.Run(() => ConsumeLoopAsync(cancel), CancellationToken.None);
        Ready = true;
    }

    private async Task<(string Id, ClientTransport Transport)> CreateTransportAsync(bool producing, CancellationToken cancel)
    {
        var created = await Invoke("createWebRtcTransport", new { producing, consuming = !producing }, cancel);
        var id = created.GetProperty("id").GetString()!;
        var candidate = created.GetProperty("iceCandidates").EnumerateArray()
            .First(c => c.GetProperty("protocol").GetString() == "udp");
        var server = new IPEndPoint(IPAddress.Parse(candidate.GetProperty("ip").GetString()!), candidate.GetProperty("port").GetInt32());
        if (!IPAddress.IsLoopback(server.Address))
            throw new InvalidOperationException($"the server's ICE candidate {server} is not on loopback; this tool sends media to loopback only");
        var ice = created.GetProperty("iceParameters");
        var fingerprints = created.GetProperty("dtlsParameters").GetProperty("fingerprints").EnumerateArray()
            .Select(f => new DtlsFingerprint(f.GetProperty("algorithm").GetString()!, f.GetProperty("value").GetString()!))
            .ToArray();
        var transport = new ClientTransport(_certificate, server);
        lock (_transports)
            _transports.Add(transport);
        await Invoke("connectTransport", new
        {
            transportId = id,
            dtlsParameters = new { role = "client", fingerprints = _certificate.Fingerprints.Select(f => new { algorithm = f.Algorithm, value = f.Value }) },
        }, cancel);
        await transport.ConnectAsync(ice.GetProperty("usernameFragment").GetString()!, ice.GetProperty("password").GetString()!, fingerprints);
        return (id, transport);
    }

    private async Task ConsumeLoopAsync(CancellationToken cancel)
    {
        try
        {
            await foreach (var producer in _newProducers.Reader.ReadAllAsync(cancel))
            {
                var producerId = producer.GetProperty("producerId").GetString()!;
                if (!_consumedProducers.Add(producerId))
                    continue;
                await ConsumeAsync(producerId, producer.GetProperty("userId").GetString()!, cancel);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            Error ??= $"participant {Index} (room {Room}) consuming: {e.GetType().Name}: {e.Message}";
        }
    }

    private async Task ConsumeAsync(string producerId, string userId, CancellationToken cancel)
    {
        var consumer = await Invoke("consume", new { transportId = _receiveTransportId, producerId, rtpCapabilities = _rtpCapabilities }, cancel);
        var consumerId = consumer.GetProperty("id").GetString()!;
        var isVideo = consumer.GetProperty("kind").GetString() == "video";
        var parameters = consumer.GetProperty("rtpParameters");
        var encoding = parameters.GetProperty("encodings")[0];
        var rtxSsrc = encoding.TryGetProperty("rtx", out var rtx) && rtx.ValueKind == JsonValueKind.Object ? rtx.GetProperty("ssrc").GetUInt32() : 0u;
        byte payloadType = 0, rtxPayloadType = 0;
        foreach (var codec in parameters.GetProperty("codecs").EnumerateArray())
        {
            var isRtx = codec.GetProperty("mimeType").GetString()!.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase);
            if (isRtx)
                rtxPayloadType = codec.GetProperty("payloadType").GetByte();
            else if (payloadType == 0)
                payloadType = codec.GetProperty("payloadType").GetByte();
        }

        byte twccId = 0;
        foreach (var extension in parameters.GetProperty("headerExtensions").EnumerateArray())
        {
            if (extension.GetProperty("uri").GetString() == TransportWideCcUri)
                twccId = extension.GetProperty("id").GetByte();
        }

        Receiver!.Add(new InboundStream(Index, consumerId, userId, isVideo, encoding.GetProperty("ssrc").GetUInt32(), payloadType, rtxSsrc, rtxPayloadType), twccId);
        await Invoke("resumeConsumer", new { consumerId }, cancel);
        if (isVideo && _options.Layer != LayerChoice.Auto)
        {
            var spatialLayer = (int)_options.Layer - 1;
            await Invoke("setConsumerPreferredLayers", new { consumerId, spatialLayer, temporalLayer = 2 }, cancel);
        }
    }

    private void OnFirstMedia(InboundStream stream, long now)
    {
        if (stream.IsVideo && _videoWasThere && JoinMilliseconds is null)
            JoinMilliseconds = (now - _joinStartedAt) * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>True when a frame of video (unless audio-only) and audio arrived from each of <paramref name="publishers"/>.</summary>
    public bool HasReceivedAll(IEnumerable<string> publishers)
    {
        if (Receiver is null)
            return false;
        var received = Receiver.Streams.Where(s => s.FirstMediaAt != 0).Select(s => (s.ProducerUserId, s.IsVideo)).ToHashSet();
        return publishers.All(p => received.Contains((p, false)) && (_options.AudioOnly || received.Contains((p, true))));
    }

    /// <summary>
    /// Opens the hub at <paramref name="node"/> and joins; a <c>redirect</c> answer (the room lives on another node of
    /// a cluster) is followed as the web client follows it: a new connection to that node, the join again.
    /// </summary>
    private async Task<JsonElement> ConnectAndJoinAsync(Uri node, string token, string roomId, CancellationToken cancel)
    {
        // Rooms settle on one node; a second redirect in a row would mean the nodes disagree.
        for (var attempt = 0; ; attempt++)
        {
            _hub = new HubConnectionBuilder()
                .WithUrl(new Uri(node, "/ws"), o =>
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
            _hub.ServerTimeout = TimeSpan.FromSeconds(60);
            _hub.On<JsonElement>("newProducer", producer => _newProducers.Writer.TryWrite(producer));
            await _hub.StartAsync(cancel);

            var joined = await Invoke("joinRoom", new { roomId }, cancel);
            var status = joined.GetProperty("status").GetString();
            if (status == "joined")
                return joined;
            if (status != "redirect" || attempt == 2)
                throw new InvalidOperationException($"joinRoom answered {joined}");
            node = new Uri(joined.GetProperty("url").GetString()!);
            if (!LoadOptions.IsLoopback(node))
                throw new InvalidOperationException($"joinRoom redirected to {node}, which is not on this machine");
            Interlocked.Increment(ref _counters.Redirects);
            await _hub.DisposeAsync();
        }
    }

    private Task<JsonElement> Invoke(string method, object argument, CancellationToken cancel) =>
        _hub!.InvokeAsync<JsonElement>(method, argument, cancel);

    public async ValueTask DisposeAsync()
    {
        _newProducers.Writer.TryComplete();
        if (_hub is not null)
        {
            try
            {
                await _hub.DisposeAsync();
            }
            catch (Exception)
            {
                // Leaving is best effort: the server cleans up after a closed connection anyway.
            }
        }

        if (_consumeLoop is not null)
            await _consumeLoop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        Sender?.Dispose();
        lock (_transports)
        {
            foreach (var transport in _transports)
                transport.Dispose();
        }
    }
}
