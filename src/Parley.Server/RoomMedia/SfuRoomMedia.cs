using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Transports;
using Parley.Server.Hubs;
using Parley.Server.Membership;

namespace Parley.Server.RoomMedia;

/// <summary>
/// The SFU behind the <see cref="IRoomMedia"/> seam: a router per room (created by <c>createRoom</c>/<c>joinRoom</c>,
/// closed <see cref="MediaSettings.RouterIdleTimeout"/> after the room empties) and a <see cref="PeerMedia"/> per joined
/// connection. Every change runs under the room's lock (the membership service holds it when it calls the seam,
/// <see cref="MediaSignalingService"/> takes it for the hub's media methods).
/// </summary>
internal sealed class SfuRoomMedia(
    MediaEngine engine,
    IOptions<MediaSettings> options,
    RoomLocks locks,
    ConnectionRegistry registry,
    MediaEvents events,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<SfuRoomMedia> logger) : IRoomMedia
{
    private readonly ConcurrentDictionary<string, MediaRoom> _rooms = new(StringComparer.Ordinal);

    public MediaEngine Engine => engine;

    /// <summary>A producer was added to a room and announced (raised under the room's lock; handlers must not block).</summary>
    public event Action<MediaRoom, ProducerEntry>? ProducerAdded;

    /// <summary>The room has nobody left in it, or was closed (raised under the room's lock; handlers must not block).</summary>
    public event Action<string>? RoomReleased;

    /// <summary>Raises <see cref="ProducerAdded"/>. Call under the room's lock once the room has heard of the producer.</summary>
    public void OnProducerAdded(MediaRoom room, ProducerEntry entry) => ProducerAdded?.Invoke(room, entry);

    public MediaSettings Settings => options.Value;

    /// <summary>The room's router and peers, if it has a router.</summary>
    public MediaRoom? FindRoom(string roomId) => _rooms.TryGetValue(roomId, out var room) ? room : null;

    /// <summary>Rooms that have a router now (for tests and diagnostics).</summary>
    public bool HasRouter(string roomId) => _rooms.ContainsKey(roomId);

    public async ValueTask EnsureRouterAsync(string roomId, CancellationToken cancellationToken)
    {
        if (!_rooms.TryGetValue(roomId, out var room))
        {
            var router = await engine.Workers.CreateRouterAsync();
            // mediasoup-demo's active speaker: the loudest mic over ~1 s windows.
            var audioLevels = await router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { IntervalMs = 1000, Threshold = -80 });
            room = new MediaRoom(roomId, router, audioLevels);
            var observed = room;
            audioLevels.Volumes += (_, loudest) => OnLoudest(observed, loudest);
            _rooms[roomId] = room;
            MediaLog.RouterCreated(logger, router.Id, roomId);
        }

        // In use again: a pending idle close is stale. A router made for a room nobody is in yet (createRoom) still
        // goes once it has been idle long enough.
        StopIdleTimer(room);
        if (registry.IsVacant(roomId))
        {
            ArmIdleTimer(room);
        }
    }

    public RtpCapabilities GetRouterRtpCapabilities(string roomId) =>
        (FindRoom(roomId) ?? throw new InvalidOperationException($"Room {roomId} has no router.")).Router.RtpCapabilities.Clone();

    public IReadOnlyList<ProducerInfo> GetProducers(string roomId, string exceptUserId) =>
        FindRoom(roomId) is { } room
            ? room.Peers.Values.SelectMany(p => p.Producers.Values)
                .Where(p => p.UserId != exceptUserId && !p.Producer.IsClosed)
                .Select(p => p.Info)
                .ToList()
            : [];

    public async ValueTask<MediaFlags> ApplyFlagsAsync(MediaPeer peer, MediaFlags current, MediaFlagsChange requested, CancellationToken cancellationToken)
    {
        if (FindRoom(peer.RoomId) is not { } room || !room.Peers.TryGetValue(peer.ConnectionId, out var media))
        {
            return default;
        }

        await ApplyAsync(room, media, MediaSource.Mic, requested.IsMicActive);
        await ApplyAsync(room, media, MediaSource.Cam, requested.IsCamActive);
        await ApplyAsync(room, media, MediaSource.Screen, requested.IsShareScreen);
        // The screen's sound goes with the screen.
        await ApplyAsync(room, media, MediaSource.ScreenAudio, requested.IsShareScreen);
        return media.ForwardedFlags();
    }

    public MediaFlags? ForwardedFlags(MediaPeer peer) =>
        FindRoom(peer.RoomId) is { } room && room.Peers.TryGetValue(peer.ConnectionId, out var media) ? media.ForwardedFlags() : default(MediaFlags);

    public async ValueTask<MediaFlags> StopSourceAsync(MediaPeer peer, MediaFlags current, MediaSource source, bool close, CancellationToken cancellationToken)
    {
        if (FindRoom(peer.RoomId) is not { } room || !room.Peers.TryGetValue(peer.ConnectionId, out var media))
        {
            return default;
        }

        if (source == MediaSource.Mic && !close)
        {
            await ApplyAsync(room, media, MediaSource.Mic, active: false);
            return media.ForwardedFlags();
        }

        MediaSource[] closing = source == MediaSource.Screen ? [MediaSource.Screen, MediaSource.ScreenAudio] : [source];
        foreach (var each in closing)
        {
            if (media.FindBySource(each) is { } entry)
            {
                await CloseProducerAsync(room, media, entry);
            }
        }

        return media.ForwardedFlags();
    }

    public async ValueTask ApplyMaxVideoHeightAsync(string roomId, int? maxVideoHeight, CancellationToken cancellationToken)
    {
        if (FindRoom(roomId) is not { } room)
        {
            return;
        }

        foreach (var peer in room.Peers.Values)
        {
            foreach (var entry in peer.Consumers.Values)
            {
                await ApplyMaxVideoHeightAsync(room, entry, maxVideoHeight);
            }
        }
    }

    /// <summary>
    /// Sets a simulcast consumer's preferred layers to what its client asked for, capped at the room's
    /// <c>maxVideoHeight</c>. Call under the room's lock.
    /// </summary>
    public async Task ApplyMaxVideoHeightAsync(MediaRoom room, ConsumerEntry entry, int? maxVideoHeight)
    {
        if (entry.Consumer.IsClosed || entry.Consumer.Type != RtpParametersType.Simulcast
            || room.FindProducer(entry.Consumer.ProducerId) is not { } producer)
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

    public async ValueTask PeerLeftAsync(MediaPeer peer, CancellationToken cancellationToken)
    {
        if (FindRoom(peer.RoomId) is not { } room || !room.Peers.TryRemove(peer.ConnectionId, out var media))
        {
            return;
        }

        await CloseTransportsAsync(room, media, media.Transports.Keys.ToList());
    }

    public ValueTask ReleaseRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        RoomReleased?.Invoke(roomId);
        if (FindRoom(roomId) is { } room)
        {
            StopIdleTimer(room);
            ArmIdleTimer(room);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The connection's media in its room, made on first use. Call under the room's lock.</summary>
    public PeerMedia GetOrAddPeer(MediaRoom room, MediaPeer peer) => room.Peers.GetOrAdd(peer.ConnectionId, _ => new PeerMedia(peer));

    /// <summary>Pauses or resumes a producer and tells the room. Call under the room's lock.</summary>
    public async Task SetPausedAsync(MediaRoom room, ProducerEntry entry, bool paused)
    {
        if (entry.Producer.IsPaused == paused || entry.Producer.IsClosed)
        {
            return;
        }

        if (paused)
        {
            await entry.Producer.PauseAsync();
        }
        else
        {
            await entry.Producer.ResumeAsync();
        }

        await events.ProducerPausedAsync(room.RoomId, entry.Producer.Id, paused);
    }

    /// <summary>Closes a producer and tells the room. Call under the room's lock.</summary>
    public async Task CloseProducerAsync(MediaRoom room, PeerMedia media, ProducerEntry entry)
    {
        if (!media.Producers.TryRemove(entry.Producer.Id, out _))
        {
            return;
        }

        await entry.Producer.CloseAsync();
        await events.ProducerClosedAsync(room.RoomId, entry.Producer.Id, entry.UserId);
    }

    /// <summary>Tracks a new transport so that a close of its own (DTLS failure, ICE gone) is cleaned up too.</summary>
    public void Track(MediaRoom room, PeerMedia media, WebRtcTransport transport)
    {
        media.Transports[transport.Id] = transport;
        transport.Closed += (_, _) => _ = OnTransportClosedAsync(room, media, transport.Id);
    }

    /// <summary>
    /// Tracks a consumer: its producer's pause, resume and close, and the simulcast layer it switches to, reach the
    /// consumer's connection.
    /// </summary>
    public void Track(PeerMedia media, ConsumerEntry entry)
    {
        var consumer = entry.Consumer;
        var connectionId = media.Peer.ConnectionId;
        media.Consumers[consumer.Id] = entry;
        consumer.ProducerPaused += (_, _) =>
            events.ToConnection(connectionId, HubEventNames.ConsumerPaused, new { consumerId = consumer.Id });
        consumer.ProducerResumed += (_, _) =>
            events.ToConnection(connectionId, HubEventNames.ConsumerResumed, new { consumerId = consumer.Id });
        consumer.LayersChanged += (_, layers) => events.ToConnection(
            connectionId,
            HubEventNames.ConsumerLayersChanged,
            new { consumerId = consumer.Id, spatialLayer = layers?.SpatialLayer, temporalLayer = layers?.TemporalLayer });
        consumer.ProducerClosed += (_, _) =>
        {
            if (media.Consumers.TryRemove(consumer.Id, out _))
            {
                events.ToConnection(connectionId, HubEventNames.ConsumerClosed, new { consumerId = consumer.Id });
            }
        };
        // A consumer closes only with its producer (above) or its transport, whose entries go with it
        // (CloseTransportsAsync); Closed is raised before ProducerClosed, so it must not remove the entry.
    }

    private void OnLoudest(MediaRoom room, AudioLevelVolume loudest)
    {
        if (room.FindProducer(loudest.Producer.Id) is not { } entry
            || Interlocked.Exchange(ref room.ActiveSpeakerUserId, entry.UserId) == entry.UserId)
        {
            return;
        }

        events.ToRoom(room.RoomId, HubEventNames.ActiveSpeaker, new { userId = entry.UserId });
    }

    private async Task ApplyAsync(MediaRoom room, PeerMedia media, MediaSource source, bool? active)
    {
        if (active is { } on && media.FindBySource(source) is { } entry)
        {
            await SetPausedAsync(room, entry, paused: !on);
        }
    }

    private async Task CloseTransportsAsync(MediaRoom room, PeerMedia media, IReadOnlyList<string> transportIds)
    {
        foreach (var transportId in transportIds)
        {
            if (!media.Transports.TryRemove(transportId, out var transport))
            {
                continue;
            }

            // The others hear of the producers first; closing the transport then closes their consumers.
            foreach (var entry in media.Producers.Values.Where(p => p.TransportId == transportId).ToList())
            {
                if (media.Producers.TryRemove(entry.Producer.Id, out _))
                {
                    await events.ProducerClosedAsync(room.RoomId, entry.Producer.Id, entry.UserId);
                }
            }

            foreach (var consumerId in media.Consumers.Where(c => c.Value.TransportId == transportId).Select(c => c.Key).ToList())
            {
                media.Consumers.TryRemove(consumerId, out _);
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

    private async Task OnTransportClosedAsync(MediaRoom room, PeerMedia media, string transportId)
    {
        try
        {
            using (await locks.AcquireAsync(room.RoomId))
            {
                if (!media.Transports.ContainsKey(transportId))
                {
                    return; // closed by us, already accounted for
                }

                await CloseTransportsAsync(room, media, [transportId]);
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<MediaSignalingService>().SyncFlagsAsync(media);
            }
        }
        catch (Exception exception)
        {
            MediaLog.CleanupFailed(logger, exception, room.RoomId);
        }
    }

    private void ArmIdleTimer(MediaRoom room)
    {
        var generation = Interlocked.Increment(ref room.IdleGeneration);
        room.IdleTimer = time.CreateTimer(
            _ => _ = CloseIfIdleAsync(room, generation), null, options.Value.RouterIdleTimeout, Timeout.InfiniteTimeSpan);
    }

    private static void StopIdleTimer(MediaRoom room)
    {
        Interlocked.Increment(ref room.IdleGeneration);
        room.IdleTimer?.Dispose();
        room.IdleTimer = null;
    }

    private async Task CloseIfIdleAsync(MediaRoom room, int generation)
    {
        try
        {
            using (await locks.AcquireAsync(room.RoomId))
            {
                if (Volatile.Read(ref room.IdleGeneration) != generation || !registry.IsVacant(room.RoomId)
                    || !_rooms.TryGetValue(room.RoomId, out var current) || current != room)
                {
                    return;
                }

                room.IdleTimer?.Dispose();
                try
                {
                    foreach (var media in room.Peers.Values)
                    {
                        await CloseTransportsAsync(room, media, media.Transports.Keys.ToList());
                    }

                    await room.Router.CloseAsync();
                }
                finally
                {
                    // Only now: a room that is gone from the map has a closed router (lookups outside the lock rely on it).
                    _rooms.TryRemove(room.RoomId, out _);
                }

                MediaLog.RouterClosed(logger, room.RoomId);
            }
        }
        catch (Exception exception)
        {
            MediaLog.CleanupFailed(logger, exception, room.RoomId);
        }
    }
}
