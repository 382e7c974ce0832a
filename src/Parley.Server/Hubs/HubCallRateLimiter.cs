using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Parley.Server.Hubs;

/// <summary>
/// A token bucket per hub connection (<see cref="HubSettings.RateLimit"/>): a call over the limit is refused with a
/// <see cref="HubException"/> and the connection stays open. One partitioned limiter holds every bucket and drops a
/// bucket once it is full and idle, so closed connections cost nothing. The refusal is logged by
/// <see cref="HubCallLogFilter"/>, which runs around this filter.
/// </summary>
internal sealed class HubCallRateLimiter : IHubFilter, IDisposable
{
    public const string Refusal = "Too many requests, slow down";

    private readonly PartitionedRateLimiter<string> _limiter;

    public HubCallRateLimiter(IOptions<HubSettings> options)
    {
        var settings = options.Value.RateLimit;
        _limiter = PartitionedRateLimiter.Create<string, string>(connectionId => RateLimitPartition.GetTokenBucketLimiter(
            connectionId,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = settings.Burst,
                TokensPerPeriod = settings.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        using (var lease = _limiter.AttemptAcquire(invocationContext.Context.ConnectionId))
        {
            if (!lease.IsAcquired)
            {
                throw new HubException(Refusal);
            }
        }

        return await next(invocationContext);
    }

    public void Dispose() => _limiter.Dispose();
}
