using System.Text.Json;
using Parley.Media.Ortc;
using Parley.Server.RoomMedia;

namespace Parley.Server.Hubs;

/// <summary>The media half of the hub (the contract's "Media" methods), handed to <see cref="MediaSignalingService"/>.</summary>
internal sealed partial class RoomHub
{
    public Task<RtpCapabilities> GetRouterRtpCapabilities(JsonElement request)
    {
        HubPayload.RequireObject(request, "getRouterRtpCapabilities");
        return media.GetRouterRtpCapabilitiesAsync(Context.ConnectionId);
    }

    public Task<TransportCreatedResult> CreateWebRtcTransport(JsonElement request)
    {
        const string method = "createWebRtcTransport";
        HubPayload.RequireObject(request, method);
        // sctpCapabilities is accepted and ignored: Parley offers no data channels.
        var producing = HubPayload.OptionalBool(request, method, "producing") ?? false;
        var consuming = HubPayload.OptionalBool(request, method, "consuming") ?? false;
        return media.CreateWebRtcTransportAsync(Context.ConnectionId, producing, consuming);
    }

    public async Task<EmptyResult> ConnectTransport(JsonElement request)
    {
        const string method = "connectTransport";
        var transportId = HubPayload.RequireId(request, method, "transportId");
        await media.ConnectTransportAsync(Context.ConnectionId, transportId, MediaPayload.ReadDtlsParameters(request, method));
        return Empty;
    }

    public Task<RestartIceResult> RestartIce(JsonElement request) =>
        media.RestartIceAsync(Context.ConnectionId, HubPayload.RequireId(request, "restartIce", "transportId"));

    public Task<ProducedResult> Produce(JsonElement request) =>
        media.ProduceAsync(Context.ConnectionId, MediaPayload.ReadProduce(request));

    public async Task<EmptyResult> PauseProducer(JsonElement request)
    {
        await media.SetProducerPausedAsync(Context.ConnectionId, HubPayload.RequireId(request, "pauseProducer", "producerId"), paused: true);
        return Empty;
    }

    public async Task<EmptyResult> ResumeProducer(JsonElement request)
    {
        await media.SetProducerPausedAsync(Context.ConnectionId, HubPayload.RequireId(request, "resumeProducer", "producerId"), paused: false);
        return Empty;
    }

    public async Task<EmptyResult> CloseProducer(JsonElement request)
    {
        await media.CloseProducerAsync(Context.ConnectionId, HubPayload.RequireId(request, "closeProducer", "producerId"));
        return Empty;
    }

    public Task<ConsumedResult> Consume(JsonElement request)
    {
        const string method = "consume";
        var transportId = HubPayload.RequireId(request, method, "transportId");
        var producerId = HubPayload.RequireId(request, method, "producerId");
        return media.ConsumeAsync(Context.ConnectionId, transportId, producerId, MediaPayload.ReadRtpCapabilities(request, method));
    }

    public async Task<EmptyResult> ResumeConsumer(JsonElement request)
    {
        await media.SetConsumerPausedAsync(Context.ConnectionId, HubPayload.RequireId(request, "resumeConsumer", "consumerId"), paused: false);
        return Empty;
    }

    public async Task<EmptyResult> PauseConsumer(JsonElement request)
    {
        await media.SetConsumerPausedAsync(Context.ConnectionId, HubPayload.RequireId(request, "pauseConsumer", "consumerId"), paused: true);
        return Empty;
    }

    public async Task<EmptyResult> RequestKeyFrame(JsonElement request)
    {
        await media.RequestKeyFrameAsync(Context.ConnectionId, HubPayload.RequireId(request, "requestKeyFrame", "consumerId"));
        return Empty;
    }

    public async Task<EmptyResult> SetConsumerPreferredLayers(JsonElement request)
    {
        const string method = "setConsumerPreferredLayers";
        var consumerId = HubPayload.RequireId(request, method, "consumerId");
        var spatial = MediaPayload.RequireLayer(request, method, "spatialLayer");
        var temporal = MediaPayload.OptionalLayer(request, method, "temporalLayer");
        await media.SetConsumerPreferredLayersAsync(Context.ConnectionId, consumerId, spatial, temporal);
        return Empty;
    }

    public Task<StatsResult> GetStats(JsonElement request) =>
        media.GetStatsAsync(Context.ConnectionId, MediaPayload.ReadStats(request));
}
