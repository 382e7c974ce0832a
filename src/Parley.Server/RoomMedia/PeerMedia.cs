using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
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
/// One connection's media in a room: its transports, producers and consumers, read by anyone and changed only by its
/// <see cref="MediaRoom"/> (under the room's lock, or from an SFU thread when a producer closes under a consumer —
/// hence the concurrent maps).
/// </summary>
internal sealed class PeerMedia(MediaPeer peer)
{
    private readonly ConcurrentDictionary<string, WebRtcTransport> _transports = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProducerEntry> _producers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConsumerEntry> _consumers = new(StringComparer.Ordinal);

    public MediaPeer Peer { get; } = peer;

    public IReadOnlyDictionary<string, WebRtcTransport> Transports => _transports;

    public IReadOnlyDictionary<string, ProducerEntry> Producers => _producers;

    public IReadOnlyDictionary<string, ConsumerEntry> Consumers => _consumers;

    /// <summary>The flags that match what this peer really forwards: an open, unpaused producer per source.</summary>
    public MediaFlags ForwardedFlags() => new(
        IsForwarding(MediaSource.Mic), IsForwarding(MediaSource.Cam), IsForwarding(MediaSource.Screen));

    public ProducerEntry? FindBySource(MediaSource source) =>
        _producers.Values.FirstOrDefault(p => p.Source == source && !p.Producer.IsClosed);

    internal void Add(WebRtcTransport transport) => _transports[transport.Id] = transport;

    internal bool Remove(string transportId, [NotNullWhen(true)] out WebRtcTransport? transport) => _transports.TryRemove(transportId, out transport);

    internal void Add(ProducerEntry entry) => _producers[entry.Producer.Id] = entry;

    internal bool RemoveProducer(string producerId) => _producers.TryRemove(producerId, out _);

    internal void Add(ConsumerEntry entry) => _consumers[entry.Consumer.Id] = entry;

    internal bool RemoveConsumer(string consumerId) => _consumers.TryRemove(consumerId, out _);

    private bool IsForwarding(MediaSource source) => FindBySource(source) is { Producer.IsPaused: false };
}
