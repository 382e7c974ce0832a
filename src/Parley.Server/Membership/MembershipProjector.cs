using Parley.Server.RoomMedia;

namespace Parley.Server.Membership;

/// <summary>
/// Derives the live stores that follow membership from <see cref="ConnectionRegistry"/>'s changes, in the order they
/// happened: the room's SignalR group (who receives the room's events) and its media (a connection that lost its place
/// has its transports, producers and consumers closed; a vacated room's router starts its idle close). Nothing else
/// adds to a room's group or closes a member's media. The <c>room_user</c> rows are the durable projection; the
/// membership service writes them itself, because whether a change may happen at all depends on them (see
/// docs/signaling.md, "Membership: one authority").
/// </summary>
internal sealed class MembershipProjector(ConnectionRegistry registry, RoomLocks locks, RoomEvents events, IRoomMedia media)
{
    private static readonly CancellationToken NoCancel = CancellationToken.None;

    /// <summary>
    /// Takes the room's lock; disposing the result projects whatever changes are still pending and releases it, so a
    /// change made under the lock is never left unprojected.
    /// </summary>
    public async Task<MembershipTurn> EnterAsync(string roomId) => new(this, roomId, await locks.AcquireAsync(roomId));

    /// <summary>
    /// Applies the room's pending changes to the groups and the media. Call under the room's lock. A failed step does
    /// not stop the others (the media of a connection that left closes even if its group removal failed); the first
    /// failure is thrown once all are applied. The registry stays as it is: the change happened.
    /// </summary>
    public async Task ProjectAsync(string roomId)
    {
        Exception? failure = null;
        foreach (var change in registry.TakeChanges(roomId))
        {
            try
            {
                await ApplyAsync(change);
            }
            catch (Exception exception)
            {
                failure ??= exception;
            }
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private async Task ApplyAsync(MembershipChange change)
    {
        switch (change)
        {
            case MemberJoined joined:
                await events.AddToRoomAsync(joined.ConnectionId, joined.RoomId);
                break;
            case MemberLeft left:
                try
                {
                    if (!left.Closed)
                    {
                        await events.RemoveFromRoomAsync(left.ConnectionId, left.RoomId);
                    }
                }
                finally
                {
                    await media.PeerLeftAsync(new MediaPeer(left.RoomId, left.UserId, left.ConnectionId), NoCancel);
                }

                break;
            case RoomVacated vacated when registry.IsVacant(vacated.RoomId):
                // Only if still vacant: someone may have come in after it emptied, before this ran.
                await media.ReleaseRoomAsync(vacated.RoomId, NoCancel);
                break;
        }
    }
}

/// <summary>A room's lock held by membership; disposing it projects the pending changes, then releases the lock.</summary>
internal sealed class MembershipTurn(MembershipProjector projector, string roomId, RoomLocks.Releaser held) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        try
        {
            await projector.ProjectAsync(roomId);
        }
        finally
        {
            held.Dispose();
        }
    }
}
