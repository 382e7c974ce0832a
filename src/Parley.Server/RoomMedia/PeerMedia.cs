using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Parley.Media.Routing;
using Parley.Media.Transports;

namespace Parley.Server.RoomMedia;

/// <summary>A producer with what the room needs to know about it.</summary>
internal sealed record ProducerEntry(Producer Producer, MediaSource Source, string UserId, JsonObject AppData, string TransportId)
{
    public ProducerInfo Info => new(Producer.Id, UserId, Producer.Kind, (JsonObject)AppData.DeepClone(), Producer.IsPaused);
}

/// <summary>A consumer and the transport it sends on.</summary>
internal sealed class ConsumerEntry(Consumer consumer, string transportId)
{
    public Consumer Consumer { get; } = consumer;

    public string TransportId { get; } = transportId;

    /// <summary>The layers the client last asked for (<c>setConsumerPreferredLayers</c>); null for the top.</summary>
    public int? RequestedSpatialLayer { get; set; }

    public int? RequestedTemporalLayer { get; set; }
}

/// <summary>
/// One connection's media in a room: its transports, producers and consumers. Changed under the room's lock;
/// the SFU's own events (a producer closing under a consumer) remove entries from other threads, hence the
/// concurrent maps.
/// </summary>
internal sealed class PeerMedia(MediaPeer peer)
{
    public MediaPeer Peer { get; } = peer;

    public ConcurrentDictionary<string, WebRtcTransport> Transports { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, ProducerEntry> Producers { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, ConsumerEntry> Consumers { get; } = new(StringComparer.Ordinal);

    /// <summary>The flags that match what this peer really forwards: an open, unpaused producer per source.</summary>
    public MediaFlags ForwardedFlags() => new(
        IsForwarding(MediaSource.Mic), IsForwarding(MediaSource.Cam), IsForwarding(MediaSource.Screen));

    public ProducerEntry? FindBySource(MediaSource source) =>
        Producers.Values.FirstOrDefault(p => p.Source == source && !p.Producer.IsClosed);

    private bool IsForwarding(MediaSource source) => FindBySource(source) is { Producer.IsPaused: false };
}

/// <summary>A room's router and the media of the connections in it.</summary>
internal sealed class MediaRoom(string roomId, Router router, AudioLevelObserver audioLevels)
{
    public string RoomId { get; } = roomId;

    public Router Router { get; } = router;

    /// <summary>Observes the mic producers for <c>activeSpeaker</c>.</summary>
    public AudioLevelObserver AudioLevels { get; } = audioLevels;

    /// <summary>The user last announced as the active speaker (only changes are announced).</summary>
    public string? ActiveSpeakerUserId;

    public ConcurrentDictionary<string, PeerMedia> Peers { get; } = new(StringComparer.Ordinal);

    /// <summary>Bumped whenever the room is used or released, so that a stale idle timer knows it is stale.</summary>
    public int IdleGeneration;

    public ITimer? IdleTimer { get; set; }

    public ProducerEntry? FindProducer(string producerId)
    {
        foreach (var peer in Peers.Values)
        {
            if (peer.Producers.TryGetValue(producerId, out var entry))
            {
                return entry;
            }
        }

        return null;
    }
}
