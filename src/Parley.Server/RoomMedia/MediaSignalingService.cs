using Microsoft.AspNetCore.SignalR;
using Parley.Media.Dtls;
using Parley.Media.Ortc;
using Parley.Media.Transports;
using Parley.Server.Membership;
using Parley.Server.Rooms;

namespace Parley.Server.RoomMedia;

/// <summary>
/// The hub's media methods: each runs under the caller's room lock, checks the caller's rights and limits, and asks the
/// room's <see cref="MediaRoom"/> (the owner of the media) for the change. Uses only the caller's own transports,
/// producers and consumers (any other id is "not found"), and keeps <c>room_user</c>'s media flags equal to the
/// producers really forwarding, broadcasting <c>userUpdated</c> whenever they change (<see cref="MemberFlagsSync"/>).
/// </summary>
internal sealed class MediaSignalingService(
    MediaRooms rooms,
    ConnectionRegistry registry,
    RoomLocks locks,
    MemberFlagsSync flags,
    IMembershipStore store,
    IEnumerable<IMediaUseSink> useSinks)
{
    public Task<RtpCapabilities> GetRouterRtpCapabilitiesAsync(string connectionId) =>
        InRoomAsync(connectionId, (room, _) => Task.FromResult(room.Router.RtpCapabilities.Clone()));

    public Task<TransportCreatedResult> CreateWebRtcTransportAsync(string connectionId, bool producing, bool consuming) =>
        InRoomAsync(connectionId, async (room, media) =>
        {
            if (media.Transports.Count >= rooms.Settings.MaxTransportsPerPeer)
            {
                throw new HubException($"Too many transports (at most {rooms.Settings.MaxTransportsPerPeer}); close one first");
            }

            var transport = await room.CreateWebRtcTransportAsync(media, new TransportUse(producing, consuming));
            return new TransportCreatedResult(transport.Id, transport.IceParameters, transport.IceCandidates, transport.DtlsParameters);
        });

    public Task ConnectTransportAsync(string connectionId, string transportId, DtlsParameters dtlsParameters) =>
        InRoomAsync(connectionId, async (_, media) =>
        {
            var transport = FindTransport(media, transportId);
            try
            {
                await transport.ConnectAsync(dtlsParameters);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                throw new HubException("connectTransport: " + e.Message);
            }

            return true;
        });

    public Task<RestartIceResult> RestartIceAsync(string connectionId, string transportId) =>
        InRoomAsync(connectionId, async (_, media) =>
        {
            var transport = FindTransport(media, transportId);
            try
            {
                return new RestartIceResult(await transport.RestartIceAsync());
            }
            catch (InvalidOperationException e)
            {
                throw new HubException("restartIce: " + e.Message);
            }
        });

    public Task<ProducedResult> ProduceAsync(string connectionId, ProduceRequest request) =>
        InRoomAsync(connectionId, async (room, media) =>
        {
            var transport = FindTransport(media, request.TransportId);
            if (request.Source.Kind() != request.Kind)
            {
                throw new HubException($"produce: a {request.Source.Name()} producer must be {(request.Source.Kind() == MediaKind.Audio ? "audio" : "video")}");
            }

            if (media.FindBySource(request.Source) is not null)
            {
                throw new HubException($"produce: there is already a {request.Source.Name()} producer; close it first");
            }

            var policy = await ReadPolicyAsync(media.Peer);
            policy.RequireMayProduce(request.Source);

            Parley.Media.Routing.Producer producer;
            try
            {
                producer = await transport.ProduceAsync(request.Kind, request.RtpParameters);
            }
            catch (Exception e) when (e is OrtcException or InvalidOperationException or ArgumentException or KeyNotFoundException or NotSupportedException or NullReferenceException)
            {
                // NullReferenceException: a null inside the parameters' lists, which the ORTC rules do not expect.
                // NotSupportedException: what the SFU does not route yet (RID-only simulcast).
                throw new HubException("produce: " + e.Message);
            }

            var entry = new ProducerEntry(producer, request.Source, media.Peer.UserId, request.AppData, transport.Id);
            // muteOnEntry / camOffOnEntry: paused before anyone hears of it, and the mic counts as muted by a host.
            var startPaused = registry.TakeFirstUse(connectionId, request.Source) && policy.StartsPaused(request.Source);
            if (startPaused && request.Source == MediaSource.Mic)
            {
                registry.HoldMic(connectionId, held: true);
            }

            foreach (var sink in useSinks)
            {
                sink.Produced(media.Peer, request.Source);
            }

            await room.AddProducerAsync(media, entry, startPaused);
            await SyncFlagsAsync(media);
            return new ProducedResult(producer.Id);
        });

    public Task SetProducerPausedAsync(string connectionId, string producerId, bool paused) =>
        InRoomAsync(connectionId, async (room, media) =>
        {
            var entry = FindProducer(media, producerId);
            if (!paused && entry.Producer.IsPaused)
            {
                var policy = await ReadPolicyAsync(media.Peer);
                policy.RequireMayProduce(entry.Source);
                if (entry.Source == MediaSource.Mic)
                {
                    policy.RequireMayUnmute(registry.Find(connectionId)?.MicHeld == true);
                }
            }

            await room.SetPausedAsync(entry, paused);
            await SyncFlagsAsync(media);
            return true;
        });

    public Task CloseProducerAsync(string connectionId, string producerId) =>
        InRoomAsync(connectionId, async (room, media) =>
        {
            await room.CloseProducerAsync(media, FindProducer(media, producerId));
            await SyncFlagsAsync(media);
            return true;
        });

    public Task<ConsumedResult> ConsumeAsync(string connectionId, string transportId, string producerId, RtpCapabilities capabilities) =>
        InRoomAsync(connectionId, async (room, media) =>
        {
            var transport = FindTransport(media, transportId);
            var producer = room.FindProducer(producerId) is { Producer.IsClosed: false } found
                ? found
                : throw new HubException("Producer not found");
            if (media.Consumers.Count >= rooms.Settings.MaxConsumersPerPeer)
            {
                throw new HubException($"Too many consumers (at most {rooms.Settings.MaxConsumersPerPeer}); close some first");
            }

            Parley.Media.Routing.Consumer consumer;
            try
            {
                consumer = await transport.ConsumeAsync(producerId, capabilities, paused: true);
            }
            catch (KeyNotFoundException)
            {
                throw new HubException("Producer not found");
            }
            catch (Exception e) when (e is OrtcException or InvalidOperationException or ArgumentException)
            {
                throw new HubException("consume: " + e.Message);
            }

            var entry = new ConsumerEntry(consumer, transport.Id);
            await room.AddConsumerAsync(media, entry);
            if (consumer.Type == RtpParametersType.Simulcast)
            {
                // maxVideoHeight holds from the first packet: the consumer starts paused, so it is capped before it sends.
                var settings = (await store.FindRoomAsync(room.RoomId, CancellationToken.None) ?? throw HubErrors.RoomNotFound()).View.Settings;
                await room.ApplyMaxVideoHeightAsync(entry, settings.MaxVideoHeight);
            }

            return new ConsumedResult(
                consumer.Id, producerId, consumer.Kind, consumer.RtpParameters, consumer.Type, consumer.IsProducerPaused,
                (System.Text.Json.Nodes.JsonObject)producer.AppData.DeepClone());
        });

    public Task SetConsumerPausedAsync(string connectionId, string consumerId, bool paused) =>
        InRoomAsync(connectionId, async (_, media) =>
        {
            var consumer = FindConsumer(media, consumerId).Consumer;
            await (paused ? consumer.PauseAsync() : consumer.ResumeAsync());
            return true;
        });

    public Task RequestKeyFrameAsync(string connectionId, string consumerId) =>
        InRoomAsync(connectionId, async (_, media) =>
        {
            await FindConsumer(media, consumerId).Consumer.RequestKeyFrameAsync();
            return true;
        });

    public Task SetConsumerPreferredLayersAsync(string connectionId, string consumerId, int spatialLayer, int? temporalLayer) =>
        InRoomAsync(connectionId, async (room, media) =>
        {
            // A simulcast consumer switches (consumerLayersChanged follows); a single-stream one has no layers to choose.
            var entry = FindConsumer(media, consumerId);
            var consumer = entry.Consumer;
            try
            {
                // The client's wish is kept and followed as far as the room's maxVideoHeight allows.
                var cap = consumer.Type == RtpParametersType.Simulcast && room.FindProducer(consumer.ProducerId) is { } producer
                    ? VideoHeightCap.SpatialCap(producer, (await store.FindRoomAsync(room.RoomId, CancellationToken.None))?.View.Settings.MaxVideoHeight)
                    : null;
                await consumer.SetPreferredLayersAsync(spatialLayer < 0 || cap is not { } c ? spatialLayer : Math.Min(spatialLayer, c), temporalLayer);
                entry.RequestedSpatialLayer = spatialLayer;
                entry.RequestedTemporalLayer = temporalLayer;
            }
            catch (ArgumentOutOfRangeException e)
            {
                var name = e.ParamName ?? "spatialLayer";
                throw new HubException($"setConsumerPreferredLayers: {name} {e.ActualValue} is out of range: {e.Message.Split(" (Parameter", 2)[0]}");
            }

            return true;
        });

    public Task<StatsResult> GetStatsAsync(string connectionId, StatsRequest request) =>
        InRoomAsync(connectionId, async (_, media) =>
        {
            if (request.TransportId is { } transportId)
            {
                return new StatsResult([await FindTransport(media, transportId).GetStatsAsync()]);
            }

            if (request.ProducerId is { } producerId)
            {
                return new StatsResult([.. (await FindProducer(media, producerId).Producer.GetStatsAsync()).Cast<object>()]);
            }

            var consumer = FindConsumer(media, request.ConsumerId!).Consumer;
            return new StatsResult([.. (await consumer.GetStatsAsync()).Cast<object>()]);
        });

    /// <summary>
    /// Writes the flags the peer's producers really give, if they differ from the row, and broadcasts
    /// <c>userUpdated</c>; a database failure leaves the media as it is and the reconciler writes the row later
    /// (so a media call that took effect never answers an error). Call under the room's lock.
    /// </summary>
    public Task SyncFlagsAsync(PeerMedia media) => flags.SyncAsync(media.Peer);

    private async Task<MediaPolicy> ReadPolicyAsync(MediaPeer peer)
    {
        var room = await store.FindRoomAsync(peer.RoomId, CancellationToken.None) ?? throw HubErrors.RoomNotFound();
        var member = await store.FindMemberAsync(peer.RoomId, peer.UserId, CancellationToken.None) ?? throw HubErrors.NotInRoom();
        return new MediaPolicy(room.View.Settings, member.Role);
    }

    private async Task<T> InRoomAsync<T>(string connectionId, Func<MediaRoom, PeerMedia, Task<T>> action)
    {
        var roomId = RequireJoined(connectionId).RoomId!;
        using (await locks.AcquireAsync(roomId))
        {
            var caller = RequireJoined(connectionId);
            if (caller.RoomId != roomId || rooms.FindRoom(roomId) is not { } room)
            {
                throw HubErrors.NotInRoom();
            }

            var media = room.Join(new MediaPeer(roomId, caller.UserId, connectionId));
            return await action(room, media);
        }
    }

    private Membership.ConnectionInfo RequireJoined(string connectionId) =>
        registry.Find(connectionId) is { IsJoined: true } caller ? caller : throw HubErrors.NotInRoom();

    private static WebRtcTransport FindTransport(PeerMedia media, string transportId) =>
        media.Transports.TryGetValue(transportId, out var transport) && !transport.IsClosed
            ? transport
            : throw new HubException("Transport not found");

    private static ProducerEntry FindProducer(PeerMedia media, string producerId) =>
        media.Producers.TryGetValue(producerId, out var entry) && !entry.Producer.IsClosed
            ? entry
            : throw new HubException("Producer not found");

    private static ConsumerEntry FindConsumer(PeerMedia media, string consumerId) =>
        media.Consumers.TryGetValue(consumerId, out var entry) && !entry.Consumer.IsClosed
            ? entry
            : throw new HubException("Consumer not found");

    /// <summary>What the client said a transport is for (mediasoup-demo's <c>producing</c>/<c>consuming</c>), kept as its app data.</summary>
    private sealed record TransportUse(bool Producing, bool Consuming);
}
