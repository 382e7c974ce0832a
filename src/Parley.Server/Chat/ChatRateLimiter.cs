using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Parley.Server.Chat;

/// <summary>
/// A token bucket per sender and room (<see cref="ChatSettings"/>), so a second tab or a reconnect does not reset
/// it. Full idle buckets are dropped by the partitioned limiter, so people who left cost nothing.
/// </summary>
internal sealed class ChatRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<(string RoomId, string UserId)> _limiter;

    public ChatRateLimiter(IOptions<ChatSettings> options)
    {
        var settings = options.Value;
        _limiter = PartitionedRateLimiter.Create<(string RoomId, string UserId), (string RoomId, string UserId)>(key => RateLimitPartition.GetTokenBucketLimiter(
            key,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = settings.Burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = settings.RefillInterval,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes one message's permit; false when the sender is over the rate.</summary>
    public bool TryTake(string roomId, string userId)
    {
        using var lease = _limiter.AttemptAcquire((roomId, userId));
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
