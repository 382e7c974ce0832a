using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Parley.Server.Cluster;

/// <summary>Ready only while Redis answers: without it the node can neither place rooms nor reach the other nodes.</summary>
internal sealed class RedisHealthCheck(ClusterDirectory directory) : IHealthCheck
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await directory.PingAsync().WaitAsync(Limit, cancellationToken);
            return HealthCheckResult.Healthy($"Redis answers ({latency.TotalMilliseconds:0.#} ms)");
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer");
        }
    }
}
