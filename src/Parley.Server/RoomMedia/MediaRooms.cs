using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Media.Ortc;
using Parley.Server.Membership;

namespace Parley.Server.RoomMedia;

/// <summary>
/// The rooms that have media: a <see cref="MediaRoom"/> per room, made by <c>createRoom</c>/<c>joinRoom</c> and closed
/// <see cref="MediaSettings.RouterIdleTimeout"/> after the room empties. The membership service reaches the rooms'
/// media through <see cref="IRoomMedia"/>, under the room's lock.
/// </summary>
internal sealed class MediaRooms(
    MediaEngine engine,
    IOptions<MediaSettings> options,
    RoomLocks locks,
    ConnectionRegistry registry,
    RoomMediaEvents events,
    TimeProvider time,
    ILogger<MediaRooms> logger) : IRoomMedia
{
    private readonly ConcurrentDictionary<string, MediaRoom> _rooms = new(StringComparer.Ordinal);

    public MediaSettings Settings => options.Value;

    /// <summary>The room's media, if it has a router.</summary>
    public MediaRoom? FindRoom(string roomId) => _rooms.TryGetValue(roomId, out var room) ? room : null;

    /// <summary>Rooms that have a router now (for tests and diagnostics).</summary>
    public bool HasRouter(string roomId) => _rooms.ContainsKey(roomId);

    public async ValueTask EnsureRouterAsync(string roomId, CancellationToken cancellationToken)
    {
        if (!_rooms.TryGetValue(roomId, out var room))
        {
            room = await MediaRoom.CreateAsync(roomId, engine, events, locks, logger);
            _rooms[roomId] = room;
            MediaLog.RouterCreated(logger, room.Router.Id, roomId);
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
            ? room.Producers.Where(p => p.UserId != exceptUserId).Select(p => p.Info).ToList()
            : [];

    public async ValueTask<MediaFlags> ApplyFlagsAsync(MediaPeer peer, MediaFlags current, MediaFlagsChange requested, CancellationToken cancellationToken)
    {
        if (FindRoom(peer.RoomId) is not { } room || !room.Peers.TryGetValue(peer.ConnectionId, out var media))
        {
            return default;
        }

        await room.SetSourceActiveAsync(media, MediaSource.Mic, requested.IsMicActive);
        await room.SetSourceActiveAsync(media, MediaSource.Cam, requested.IsCamActive);
        await room.SetSourceActiveAsync(media, MediaSource.Screen, requested.IsShareScreen);
        // The screen's sound goes with the screen.
        await room.SetSourceActiveAsync(media, MediaSource.ScreenAudio, requested.IsShareScreen);
        return media.ForwardedFlags();
    }

    public MediaFlags ForwardedFlags(MediaPeer peer) =>
        FindRoom(peer.RoomId) is { } room ? room.ForwardedFlags(peer.ConnectionId) : default;

    public async ValueTask<MediaFlags> StopSourceAsync(MediaPeer peer, MediaFlags current, MediaSource source, bool close, CancellationToken cancellationToken)
    {
        if (FindRoom(peer.RoomId) is not { } room || !room.Peers.TryGetValue(peer.ConnectionId, out var media))
        {
            return default;
        }

        if (source == MediaSource.Mic && !close)
        {
            await room.SetSourceActiveAsync(media, MediaSource.Mic, active: false);
            return media.ForwardedFlags();
        }

        MediaSource[] closing = source == MediaSource.Screen ? [MediaSource.Screen, MediaSource.ScreenAudio] : [source];
        foreach (var each in closing)
        {
            if (media.FindBySource(each) is { } entry)
            {
                await room.CloseProducerAsync(media, entry);
            }
        }

        return media.ForwardedFlags();
    }

    public async ValueTask ApplyMaxVideoHeightAsync(string roomId, int? maxVideoHeight, CancellationToken cancellationToken)
    {
        if (FindRoom(roomId) is { } room)
        {
            await room.ApplyMaxVideoHeightAsync(maxVideoHeight);
        }
    }

    public async ValueTask PeerLeftAsync(MediaPeer peer, CancellationToken cancellationToken)
    {
        if (FindRoom(peer.RoomId) is { } room)
        {
            await room.PeerLeftAsync(peer.ConnectionId);
        }
    }

    public async ValueTask ReleaseRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        if (FindRoom(roomId) is { } room)
        {
            StopIdleTimer(room);
            ArmIdleTimer(room);
        }

        await events.PublishAsync(new RoomMediaReleased(roomId));
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
                    await room.CloseAsync();
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
