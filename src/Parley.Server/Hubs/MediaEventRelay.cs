using Microsoft.AspNetCore.SignalR;
using Parley.Server.Membership;
using Parley.Server.RoomMedia;

namespace Parley.Server.Hubs;

/// <summary>
/// Turns the rooms' media events into the contract's SignalR events (to the room's group or to one consumer's
/// connection), and brings a member's row back in line with the media when a transport of theirs closed on its own.
/// </summary>
internal sealed class MediaEventRelay(RoomMediaEvents events, IHubContext<RoomHub> hub, MemberFlagsSync flagsSync) : IRoomMediaListener, IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        events.Subscribe(this);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        events.Unsubscribe(this);
        return Task.CompletedTask;
    }

    public async ValueTask OnMediaEventAsync(RoomMediaEvent mediaEvent)
    {
        var room = hub.Clients.Group(RoomEvents.GroupOf(mediaEvent.RoomId));
        switch (mediaEvent)
        {
            case ProducerAdded added:
                await hub.Clients.GroupExcept(RoomEvents.GroupOf(added.RoomId), added.Owner.ConnectionId)
                    .SendAsync(HubEventNames.NewProducer, added.Producer.Info);
                break;
            case ProducerClosed closed:
                await room.SendAsync(HubEventNames.ProducerClosed, new { producerId = closed.ProducerId, userId = closed.UserId });
                break;
            case ProducerPausedChanged paused:
                await room.SendAsync(paused.Paused ? HubEventNames.ProducerPaused : HubEventNames.ProducerResumed, new { producerId = paused.ProducerId });
                break;
            case ConsumerProducerPausedChanged paused:
                await hub.Clients.Client(paused.ConnectionId)
                    .SendAsync(paused.Paused ? HubEventNames.ConsumerPaused : HubEventNames.ConsumerResumed, new { consumerId = paused.ConsumerId });
                break;
            case ConsumerLayersChanged changed:
                await hub.Clients.Client(changed.ConnectionId).SendAsync(
                    HubEventNames.ConsumerLayersChanged,
                    new { consumerId = changed.ConsumerId, spatialLayer = changed.Layers?.SpatialLayer, temporalLayer = changed.Layers?.TemporalLayer });
                break;
            case ConsumerScoreChanged scored:
                await hub.Clients.Client(scored.ConnectionId).SendAsync(
                    HubEventNames.ConsumerScore,
                    new { consumerId = scored.ConsumerId, score = scored.Score.Score, producerScore = scored.Score.ProducerScore });
                break;
            case ProducerScoreChanged scored:
                await hub.Clients.Client(scored.ConnectionId).SendAsync(HubEventNames.ProducerScore, new { producerId = scored.ProducerId, score = scored.Score });
                break;
            case ProducerLayersWanted wanted:
                await hub.Clients.Client(wanted.ConnectionId).SendAsync(
                    HubEventNames.ProducerLayersWanted,
                    new { producerId = wanted.ProducerId, encodings = wanted.Encodings.Select(LayerWantedPayload).ToArray() });
                break;
            case ConsumerClosed closed:
                await hub.Clients.Client(closed.ConnectionId).SendAsync(HubEventNames.ConsumerClosed, new { consumerId = closed.ConsumerId });
                break;
            case ActiveSpeakerChanged speaker:
                await room.SendAsync(HubEventNames.ActiveSpeaker, new { userId = speaker.UserId });
                break;
            case PeerTransportLost lost:
                // Published under the room's lock, as the sync requires.
                await flagsSync.SyncAsync(lost.Peer);
                break;
        }
    }

    /// <summary>The contract's <c>{rid?, ssrc?, active}</c>: a name the client gave is sent, an absent one left out.</summary>
    private static Dictionary<string, object> LayerWantedPayload(EncodingWanted encoding)
    {
        var payload = new Dictionary<string, object> { ["active"] = encoding.Active };
        if (encoding.Rid is { } rid)
        {
            payload["rid"] = rid;
        }

        if (encoding.Ssrc is { } ssrc)
        {
            payload["ssrc"] = ssrc;
        }

        return payload;
    }
}
