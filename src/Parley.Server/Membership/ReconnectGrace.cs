using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Parley.Server.Membership;

/// <summary>
/// The places held for participants whose connection was lost (see <see cref="MembershipSettings.ReconnectGrace"/>),
/// each with the timer that ends the hold. One per process, because the membership service lives per hub call.
/// Once the server is stopping, a hold that ends does nothing: the stop's drain empties every room, held places
/// included, and the services a leave needs are being disposed.
/// </summary>
internal sealed class ReconnectGrace(
    IOptions<MembershipSettings> options,
    IServiceScopeFactory scopes,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<ReconnectGrace> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, ITimer> _held = new(StringComparer.Ordinal);

    public TimeSpan Period => options.Value.ReconnectGrace;

    /// <summary>Holds the connection's place; when the period ends without <see cref="TryEnd"/>, it leaves for <paramref name="reason"/>.</summary>
    public void Hold(string connectionId, LeftReason reason)
    {
        // Registered before it can fire, so that whoever ends the hold (the timer or a rejoin) finds it.
        var timer = timeProvider.CreateTimer(_ => _ = ExpireAsync(connectionId, reason), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _held[connectionId] = timer;
        timer.Change(Period, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Ends the hold; true when the connection's place was held (and this call ended it).</summary>
    public bool TryEnd(string connectionId)
    {
        if (!_held.TryRemove(connectionId, out var timer))
        {
            return false;
        }

        timer.Dispose();
        return true;
    }

    public void Dispose()
    {
        foreach (var connectionId in _held.Keys)
        {
            TryEnd(connectionId);
        }
    }

    private async Task ExpireAsync(string connectionId, LeftReason reason)
    {
        if (!TryEnd(connectionId) || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<RoomMembershipService>().GraceEndedAsync(connectionId, reason);
        }
        catch (Exception) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The server started stopping meanwhile: the drain empties the room.
        }
        catch (Exception exception)
        {
            MembershipLog.GraceEndFailed(logger, connectionId, exception.Message);
        }
    }
}
