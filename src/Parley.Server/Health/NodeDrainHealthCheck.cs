using Microsoft.Extensions.Diagnostics.HealthChecks;
using Parley.Server.Cluster;

namespace Parley.Server.Health;

/// <summary>
/// Not ready while the operator has the node draining (<see cref="NodeDrain"/>), so that a load balancer stops
/// sending new people here; the description says how many are left, and when nobody is.
/// </summary>
internal sealed class NodeDrainHealthCheck(NodeDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = drain.Status();
        return Task.FromResult(status switch
        {
            { Draining: false } => HealthCheckResult.Healthy("The node is not draining"),
            { Empty: true } => HealthCheckResult.Unhealthy("The node is drained: nobody is left; it can be stopped"),
            _ => HealthCheckResult.Unhealthy(
                $"The node is draining: {status.Participants + status.Waiting} people in {status.Rooms} room(s) are left"),
        });
    }
}
