using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Parley.Server.Membership;

/// <summary>
/// What the database could not be told yet: why a participant left whose row could not be deleted (so that the
/// reconciler's later <c>userLeft</c> carries the right reason), and a wake-up for the reconciler after any failed
/// write, so that it retries without waiting for its next period.
/// </summary>
internal sealed class MembershipRepairs
{
    private readonly ConcurrentDictionary<(string RoomId, string UserId), LeftReason> _leaveReasons = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>A participant left but their row is still there.</summary>
    public void LeaveNotWritten(string roomId, string userId, LeftReason reason)
    {
        _leaveReasons[(roomId, userId)] = reason;
        Wake();
    }

    /// <summary>A write failed; the reconciler should look soon.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>The reason a pending leave was for, forgetting it; null when no leave was recorded.</summary>
    public LeftReason? TakeLeaveReason(string roomId, string userId) =>
        _leaveReasons.TryRemove((roomId, userId), out var reason) ? reason : null;

    /// <summary>The user is in the room again: a pending leave is moot.</summary>
    public void Forget(string roomId, string userId) => _leaveReasons.TryRemove((roomId, userId), out _);

    /// <summary>Forgets pending leaves whose row is gone (deleted with its room, or by a later start).</summary>
    public void RetainLeaveReasons(IReadOnlySet<(string RoomId, string UserId)> rows)
    {
        foreach (var key in _leaveReasons.Keys)
        {
            if (!rows.Contains(key))
            {
                _leaveReasons.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Waits until <see cref="Wake"/> is called or <paramref name="delay"/> passes.</summary>
    public async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(delay);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The period passed without a wake-up.
        }
    }
}
