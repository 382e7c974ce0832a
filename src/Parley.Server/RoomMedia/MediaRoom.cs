using System.Collections.Concurrent;
using Parley.Media.Allocation;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Transports;
using Parley.Server.Membership;

namespace Parley.Server.RoomMedia;

/// <summary>
/// One room's media, and its only owner: the router, the active-speaker observer, and each joined connection's
/// transports, producers and consumers. Every change goes through here and is published as a
/// <see cref="RoomMediaEvent"/>; nothing above it writes into its state. Changes run under the room's lock (the
/// membership service and <see cref="MediaSignalingService"/> hold it when they call; a transport that closes on its
/// own takes it here).
/// </summary>
internal sealed class MediaRoom
{
    private readonly ConcurrentDictionary<string, PeerMedia> _peers = new(StringComparer.Ordinal);
    private readonly AudioLevelObserver _audioLevels;
    private readonly MediaEngine _engine;
    private readonly RoomMediaEvents _events;
    private readonly RoomLocks _locks;
    private readonly ILogger _logger;
    private string? _activeSpeakerUserId;

    private MediaRoom(string roomId, Router router, AudioLevelObserver audioLevels, MediaEngine engine, RoomMediaEvents events, RoomLocks locks, ILogger logger)
    {
        RoomId = roomId;
        Router = router;
        _audioLevels = audioLevels;
        _engine = engine;
        _events = events;
        _locks = locks;
        _logger = logger;
        audioLevels.Volumes += (_, loudest) => OnLoudest(loudest);
    }

    public string RoomId { get; }

    public Router Router { get; }

    /// <summary>The media of the connections in the room, by connection id.</summary>
    public IReadOnlyDictionary<string, PeerMedia> Peers => _peers;

    /// <summary>Every open producer in the room.</summary>
    public IEnumerable<ProducerEntry> Producers =>
        _peers.Values.SelectMany(p => p.Producers.Values).Where(p => !p.Producer.IsClosed);

    /// <summary>Bumped whenever the room is used or released, so that a stale idle timer knows it is stale.</summary>
    internal int IdleGeneration;

    internal ITimer? IdleTimer { get; set; }

    /// <summary>A room with a new router on one of the engine's workers.</summary>
    public static async Task<MediaRoom> CreateAsync(string roomId, MediaEngine engine, RoomMediaEvents events, RoomLocks locks, ILogger logger)
    {
        var router = await engine.Workers.CreateRouterAsync();
        // mediasoup-demo's active speaker: the loudest mic over ~1 s windows.
        var audioLevels = await router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { IntervalMs = 1000, Threshold = -80 });
        return new MediaRoom(roomId, router, audioLevels, engine, events, locks, logger);
    }

    public ProducerEntry? FindProducer(string producerId)
    {
        foreach (var peer in _peers.Values)
        {
            if (peer.Producers.TryGetValue(producerId, out var entry))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>The connection's media in the room, made on first use.</summary>
    public PeerMedia Join(MediaPeer peer) => _peers.GetOrAdd(peer.ConnectionId, _ => new PeerMedia(peer));

    /// <summary>The flags the connection's producers really give (all off when it has no media here).</summary>
    public MediaFlags ForwardedFlags(string connectionId) =>
        _peers.TryGetValue(connectionId, out var media) ? media.ForwardedFlags() : default;

    /// <summary>A WebRTC transport on the shared port for the peer; its own close (DTLS failure, ICE gone) is cleaned up too.</summary>
    public async Task<WebRtcTransport> CreateWebRtcTransportAsync(PeerMedia media, object? appData)
    {
        var transport = await Router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            WebRtcServer = _engine.WebRtcServer,
            Certificate = _engine.Certificate,
            AppData = appData,
        });
        media.Add(transport);
        transport.Closed += (_, _) => _ = OnTransportClosedAsync(media, transport.Id);
        return transport;
    }

    /// <summary>
    /// Adds a producer the peer created on one of its transports: paused first when <paramref name="startPaused"/>, a
    /// mic observed for the active speaker, then published as <see cref="ProducerAdded"/>.
    /// </summary>
    public async Task AddProducerAsync(PeerMedia media, ProducerEntry entry, bool startPaused)
    {
        media.Add(entry);
        var producer = entry.Producer;
        var connectionId = media.Peer.ConnectionId;
        producer.ScoreChanged += (_, score) => _events.Post(new ProducerScoreChanged(RoomId, connectionId, producer.Id, score));
        producer.EncodingsWantedChanged += (_, wanted) => _events.Post(new ProducerLayersWanted(
            RoomId,
            connectionId,
            producer.Id,
            [.. producer.RtpParameters.Encodings.Select((encoding, i) => new EncodingWanted(encoding.Rid, encoding.Rid is null ? encoding.Ssrc : null, wanted[i]))]));
        if (startPaused)
        {
            await SetPausedAsync(entry, paused: true);
        }

        if (entry.Source == MediaSource.Mic)
        {
            try
            {
                await _audioLevels.AddProducerAsync(entry.Producer.Id);
            }
            catch (KeyNotFoundException)
            {
                // Closed already (its transport failed): there is nothing to observe.
            }
        }

        await _events.PublishAsync(new ProducerAdded(this, media.Peer, entry));
    }

    /// <summary>Pauses or resumes a producer.</summary>
    public async Task SetPausedAsync(ProducerEntry entry, bool paused)
    {
        if (entry.Producer.IsPaused == paused || entry.Producer.IsClosed)
        {
            return;
        }

        await (paused ? entry.Producer.PauseAsync() : entry.Producer.ResumeAsync());
        await _events.PublishAsync(new ProducerPausedChanged(RoomId, entry.Producer.Id, paused));
    }

    /// <summary>Turns the peer's producer for a source on or off (resume or pause); null leaves it as it is.</summary>
    public async Task SetSourceActiveAsync(PeerMedia media, MediaSource source, bool? active)
    {
        if (active is { } on && media.FindBySource(source) is { } entry)
        {
            await SetPausedAsync(entry, paused: !on);
        }
    }

    /// <summary>Closes a producer (its consumers close with it).</summary>
    public async Task CloseProducerAsync(PeerMedia media, ProducerEntry entry)
    {
        if (!media.RemoveProducer(entry.Producer.Id))
        {
            return;
        }

        await entry.Producer.CloseAsync();
        await _events.PublishAsync(new ProducerClosed(RoomId, entry.Producer.Id, entry.UserId));
    }

    /// <summary>
    /// Adds a consumer the peer created on one of its transports: its producer's pause, resume and close, and the
    /// simulcast layer it switches to, are published for the consumer's connection.
    /// </summary>
    public async Task AddConsumerAsync(PeerMedia media, ConsumerEntry entry)
    {
        var consumer = entry.Consumer;
        var connectionId = media.Peer.ConnectionId;
        media.Add(entry);
        consumer.ProducerPaused += (_, _) => _events.Post(new ConsumerProducerPausedChanged(RoomId, connectionId, consumer.Id, Paused: true));
        consumer.ProducerResumed += (_, _) => _events.Post(new ConsumerProducerPausedChanged(RoomId, connectionId, consumer.Id, Paused: false));
        consumer.LayersChanged += (_, layers) => _events.Post(new ConsumerLayersChanged(RoomId, connectionId, consumer.Id, layers));
        consumer.ScoreChanged += (_, score) => _events.Post(new ConsumerScoreChanged(RoomId, connectionId, consumer.Id, score));
        consumer.ProducerClosed += (_, _) =>
        {
            if (media.RemoveConsumer(consumer.Id))
            {
                _events.Post(new ConsumerClosed(RoomId, connectionId, consumer.Id));
            }
        };
        // A consumer closes only with its producer (above) or its transport, whose entries go with it
        // (CloseTransportsAsync); Closed is raised before ProducerClosed, so it must not remove the entry.
        if (FindProducer(consumer.ProducerId) is { } producer && PriorityOf(producer) is var priority && priority != ConsumerPriority.Other)
        {
            await consumer.SetPriorityAsync(priority);
        }
    }

    /// <summary>
    /// Who is served first when a receiver's bandwidth is short: a shared screen (its text must stay readable), then
    /// the active speaker's camera, then the other tiles.
    /// </summary>
    private ConsumerPriority PriorityOf(ProducerEntry producer) => producer.Source switch
    {
        MediaSource.Screen => ConsumerPriority.ScreenShare,
        MediaSource.Cam when producer.UserId == Volatile.Read(ref _activeSpeakerUserId) => ConsumerPriority.ActiveSpeaker,
        _ => ConsumerPriority.Other,
    };

    /// <summary>The cameras of the previous and the new active speaker change places in every receiver's allocation.</summary>
    private async Task ReprioritiseCamerasAsync(string? previousUserId, string userId)
    {
        try
        {
            var cameras = Producers
                .Where(p => p.Source == MediaSource.Cam && (p.UserId == previousUserId || p.UserId == userId))
                .ToDictionary(p => p.Producer.Id, StringComparer.Ordinal);
            foreach (var entry in _peers.Values.SelectMany(p => p.Consumers.Values).ToList())
            {
                if (!entry.Consumer.IsClosed && cameras.TryGetValue(entry.Consumer.ProducerId, out var camera))
                {
                    await entry.Consumer.SetPriorityAsync(PriorityOf(camera));
                }
            }
        }
        catch (Exception exception)
        {
            // A consumer or its worker closed meanwhile (nobody awaits this): the next speaker change sets what is left.
            MediaLog.PrioritiesNotUpdated(_logger, RoomId, exception.GetType().Name);
        }
    }

    /// <summary>The room's <c>maxVideoHeight</c> changed: every simulcast consumer is capped (or uncapped) to match.</summary>
    public async Task ApplyMaxVideoHeightAsync(int? maxVideoHeight)
    {
        foreach (var peer in _peers.Values)
        {
            foreach (var entry in peer.Consumers.Values)
            {
                await ApplyMaxVideoHeightAsync(entry, maxVideoHeight);
            }
        }
    }

    /// <summary>Sets a simulcast consumer's preferred layers to what its client asked for, capped at <paramref name="maxVideoHeight"/>.</summary>
    public async Task ApplyMaxVideoHeightAsync(ConsumerEntry entry, int? maxVideoHeight)
    {
        if (entry.Consumer.IsClosed || entry.Consumer.Type != RtpParametersType.Simulcast
            || FindProducer(entry.Consumer.ProducerId) is not { } producer)
        {
            return;
        }

        var top = producer.Producer.RtpParameters.Encodings.Count - 1;
        var wanted = Math.Min(entry.RequestedSpatialLayer ?? top, VideoHeightCap.SpatialCap(producer, maxVideoHeight) ?? top);
        if (entry.Consumer.PreferredLayers is { } preferred && preferred.SpatialLayer == wanted
            && (entry.RequestedTemporalLayer is null || preferred.TemporalLayer == entry.RequestedTemporalLayer))
        {
            return;
        }

        await entry.Consumer.SetPreferredLayersAsync(Math.Max(0, wanted), entry.RequestedTemporalLayer);
    }

    /// <summary>A connection left the room: its transports close, and with them its producers and consumers.</summary>
    public async Task PeerLeftAsync(string connectionId)
    {
        if (_peers.TryRemove(connectionId, out var media))
        {
            await CloseTransportsAsync(media, media.Transports.Keys.ToList());
        }
    }

    /// <summary>Closes every peer's transports and the router: the room's media is gone.</summary>
    public async Task CloseAsync()
    {
        foreach (var media in _peers.Values)
        {
            await CloseTransportsAsync(media, media.Transports.Keys.ToList());
        }

        await Router.CloseAsync();
    }

    private void OnLoudest(AudioLevelVolume loudest)
    {
        if (FindProducer(loudest.Producer.Id) is not { } entry
            || Interlocked.Exchange(ref _activeSpeakerUserId, entry.UserId) is var previous && previous == entry.UserId)
        {
            return;
        }

        _events.Post(new ActiveSpeakerChanged(RoomId, entry.UserId));
        _ = ReprioritiseCamerasAsync(previous, entry.UserId);
    }

    private async Task CloseTransportsAsync(PeerMedia media, IReadOnlyList<string> transportIds)
    {
        foreach (var transportId in transportIds)
        {
            if (!media.Remove(transportId, out var transport))
            {
                continue;
            }

            // The others hear of the producers first; closing the transport then closes their consumers.
            foreach (var entry in media.Producers.Values.Where(p => p.TransportId == transportId).ToList())
            {
                if (media.RemoveProducer(entry.Producer.Id))
                {
                    await _events.PublishAsync(new ProducerClosed(RoomId, entry.Producer.Id, entry.UserId));
                }
            }

            foreach (var consumerId in media.Consumers.Where(c => c.Value.TransportId == transportId).Select(c => c.Key).ToList())
            {
                media.RemoveConsumer(consumerId);
            }

            try
            {
                await transport.CloseAsync();
            }
            catch (Exception exception) when (exception is ObjectDisposedException or InvalidOperationException)
            {
                // The worker is gone (shutdown): nothing is left to close.
            }
        }
    }

    private async Task OnTransportClosedAsync(PeerMedia media, string transportId)
    {
        try
        {
            using (await _locks.AcquireAsync(RoomId))
            {
                if (!media.Transports.ContainsKey(transportId))
                {
                    return; // closed by us, already accounted for
                }

                await CloseTransportsAsync(media, [transportId]);
                await _events.PublishAsync(new PeerTransportLost(media.Peer));
            }
        }
        catch (Exception exception)
        {
            MediaLog.CleanupFailed(_logger, exception, RoomId);
        }
    }
}
