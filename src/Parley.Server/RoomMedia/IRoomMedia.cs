using Parley.Media.Ortc;

namespace Parley.Server.RoomMedia;

/// <summary>
/// The media side of a meeting room as the room membership service sees it (<see cref="MediaRooms"/>). The membership
/// service calls it under the room's lock, so calls for one room never overlap; calls for different rooms may.
/// </summary>
internal interface IRoomMedia
{
    /// <summary>Creates the room's router unless it exists (<c>createRoom</c>, <c>joinRoom</c>).</summary>
    ValueTask EnsureRouterAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>The router's RTP capabilities, given to mediasoup-client's <c>device.load()</c>.</summary>
    RtpCapabilities GetRouterRtpCapabilities(string roomId);

    /// <summary>The producers a peer joining the room should consume (none of <paramref name="exceptUserId"/>'s own).</summary>
    IReadOnlyList<ProducerInfo> GetProducers(string roomId, string exceptUserId);

    /// <summary>
    /// The media flags to store for a user who asked for <paramref name="requested"/>: turning a flag off pauses the
    /// matching producer and on resumes it, and the answer is what the server really forwards. Called before the
    /// flags are written to <c>room_user</c>, so that the row follows the producers rather than the client's word.
    /// </summary>
    ValueTask<MediaFlags> ApplyFlagsAsync(MediaPeer peer, MediaFlags current, MediaFlagsChange requested, CancellationToken cancellationToken);

    /// <summary>The flags the media really gives for a joined connection (all off when it has no media): the authority the row follows.</summary>
    MediaFlags ForwardedFlags(MediaPeer peer);

    /// <summary>
    /// A host turns one of the peer's sources off: the mic producer is paused (closed with <paramref name="close"/>), a
    /// camera or screen producer (with the screen's sound) is closed. Answers the flags to store, like <see cref="ApplyFlagsAsync"/>.
    /// </summary>
    ValueTask<MediaFlags> StopSourceAsync(MediaPeer peer, MediaFlags current, MediaSource source, bool close, CancellationToken cancellationToken);

    /// <summary>The room's <c>maxVideoHeight</c> changed: every simulcast consumer is capped (or uncapped) to match.</summary>
    ValueTask ApplyMaxVideoHeightAsync(string roomId, int? maxVideoHeight, CancellationToken cancellationToken);

    /// <summary>A connection left the room (leave, removal, replacement, disconnect): close its transports and producers.</summary>
    ValueTask PeerLeftAsync(MediaPeer peer, CancellationToken cancellationToken);

    /// <summary>The room has nobody left in it or was deleted: its router may go.</summary>
    ValueTask ReleaseRoomAsync(string roomId, CancellationToken cancellationToken);
}
