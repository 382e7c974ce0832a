using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Parley.Server.Health;

/// <summary>
/// The contract's "the node takes rooms": false from the moment the host begins to stop
/// (<see cref="IHostApplicationLifetime.ApplicationStopping"/>, e.g. on SIGTERM), so a load balancer stops sending
/// new people here while the shutdown drains the rooms.
/// </summary>
internal sealed class TakesRoomsHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("The node is shutting down")
            : HealthCheckResult.Healthy("The node takes rooms"));
}
