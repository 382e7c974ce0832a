using Parley.Media.Routing;

namespace Parley.Server.RoomMedia;

/// <summary>
/// Something that happened to a room's media, published by its <see cref="MediaRoom"/> through
/// <see cref="RoomMediaEvents"/>. The media side knows nothing of who listens (the hub turns these into the
/// contract's SignalR events; recording follows the producers).
/// </summary>
internal abstract record RoomMediaEvent(string RoomId);

/// <summary>A peer's producer joined the room (after any pause it starts with). Published under the room's lock.</summary>
internal sealed record ProducerAdded(MediaRoom Room, MediaPeer Owner, ProducerEntry Producer) : RoomMediaEvent(Room.RoomId);

/// <summary>A producer left the room (closed by its peer, a host, or with its transport). Published under the room's lock.</summary>
internal sealed record ProducerClosed(string RoomId, string ProducerId, string UserId) : RoomMediaEvent(RoomId);

/// <summary>A producer was paused or resumed. Published under the room's lock.</summary>
internal sealed record ProducerPausedChanged(string RoomId, string ProducerId, bool Paused) : RoomMediaEvent(RoomId);

/// <summary>The producer under one peer's consumer was paused or resumed. Published from an SFU thread.</summary>
internal sealed record ConsumerProducerPausedChanged(string RoomId, string ConnectionId, string ConsumerId, bool Paused) : RoomMediaEvent(RoomId);

/// <summary>A simulcast consumer switched layers (null: it forwards nothing now). Published from an SFU thread.</summary>
internal sealed record ConsumerLayersChanged(string RoomId, string ConnectionId, string ConsumerId, ConsumerLayers? Layers) : RoomMediaEvent(RoomId);

/// <summary>A consumer's score or its producer stream's changed (0–10 each). Published from an SFU thread.</summary>
internal sealed record ConsumerScoreChanged(string RoomId, string ConnectionId, string ConsumerId, ConsumerScore Score) : RoomMediaEvent(RoomId);

/// <summary>A producer's score changed (0–10), for its own connection. Published from an SFU thread.</summary>
internal sealed record ProducerScoreChanged(string RoomId, string ConnectionId, string ProducerId, int Score) : RoomMediaEvent(RoomId);

/// <summary>
/// Which encodings of a simulcast producer its consumers need changed, for its own connection: one entry per encoding,
/// named as the client signaled it (RID, or SSRC). Published from an SFU thread.
/// </summary>
internal sealed record ProducerLayersWanted(string RoomId, string ConnectionId, string ProducerId, IReadOnlyList<EncodingWanted> Encodings) : RoomMediaEvent(RoomId);

/// <summary>One encoding of <see cref="ProducerLayersWanted"/>, the contract's <c>{rid?, ssrc?, active}</c>.</summary>
internal sealed record EncodingWanted(string? Rid, uint? Ssrc, bool Active);

/// <summary>A consumer closed because its producer did. Published from an SFU thread.</summary>
internal sealed record ConsumerClosed(string RoomId, string ConnectionId, string ConsumerId) : RoomMediaEvent(RoomId);

/// <summary>The loudest mic in the room belongs to someone else now. Published from an SFU thread.</summary>
internal sealed record ActiveSpeakerChanged(string RoomId, string UserId) : RoomMediaEvent(RoomId);

/// <summary>
/// One of a peer's transports closed on its own (DTLS failure, ICE gone) and took its producers with it: what the peer
/// forwards changed without the peer asking. Published under the room's lock.
/// </summary>
internal sealed record PeerTransportLost(MediaPeer Peer) : RoomMediaEvent(Peer.RoomId);

/// <summary>The room has nobody left in it or was deleted (its router closes after the idle timeout). Published under the room's lock.</summary>
internal sealed record RoomMediaReleased(string RoomId) : RoomMediaEvent(RoomId);
