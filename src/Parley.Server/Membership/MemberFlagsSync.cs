using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Server.RoomMedia;

namespace Parley.Server.Membership;

/// <summary>
/// Keeps a row's media flags equal to what the media really forwards (the media is the authority; the row follows).
/// A database failure does not undo the media change: it is logged and the reconciler writes the flags once the
/// database is back. One per process: each sync is its own unit of work on a context of its own (from
/// <see cref="IDbContextFactory{TContext}"/>), so that callers outside any request (a transport closing on its own)
/// need no scope.
/// </summary>
internal sealed class MemberFlagsSync(
    IDbContextFactory<ParleyDbContext> contexts,
    TimeProvider time,
    Cluster.NodeIdentity node,
    ConnectionRegistry registry,
    IRoomMedia media,
    RoomEvents events,
    MembershipRepairs repairs,
    ILogger<MemberFlagsSync> logger)
{
    private static readonly CancellationToken NoCancel = CancellationToken.None;

    /// <summary>
    /// Writes the peer's forwarded flags if the row differs and broadcasts <c>userUpdated</c>; true when it wrote.
    /// Only the connection that holds the user's place owns the row. Call under the room's lock; never throws for a
    /// database failure.
    /// </summary>
    public async Task<bool> SyncAsync(MediaPeer peer)
    {
        if (registry.GetMemberConnection(peer.RoomId, peer.UserId) != peer.ConnectionId)
        {
            return false;
        }

        var flags = media.ForwardedFlags(peer);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(NoCancel);
            var store = new EfMembershipStore(db, time, node);
            var current = await store.FindMemberAsync(peer.RoomId, peer.UserId, NoCancel);
            if (current is null || current.Flags() == flags
                || await store.SetFlagsAsync(peer.RoomId, peer.UserId, flags, NoCancel) is not { } updated)
            {
                return false;
            }

            await events.UserUpdatedAsync(peer.RoomId, updated);
            return true;
        }
        catch (Exception exception)
        {
            NotWritten(peer, exception);
            return false;
        }
    }

    /// <summary>A flags write failed after the media changed: the reconciler will write them.</summary>
    public void NotWritten(MediaPeer peer, Exception exception)
    {
        MembershipLog.FlagsWriteFailed(logger, peer.UserId, peer.RoomId, exception.Message);
        repairs.Wake();
    }
}
