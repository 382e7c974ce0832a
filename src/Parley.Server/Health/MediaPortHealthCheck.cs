using Microsoft.Extensions.Diagnostics.HealthChecks;
using Parley.Server.RoomMedia;

namespace Parley.Server.Health;

/// <summary>Ready only while the media engine has its shared UDP and TCP port open (started, not yet stopped).</summary>
internal sealed class MediaPortHealthCheck(MediaEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var server = engine.WebRtcServer;
            return Task.FromResult(server.UdpPort > 0 && server.TcpPort > 0
                ? HealthCheckResult.Healthy($"Media port listening (UDP {server.UdpPort}, TCP {server.TcpPort})")
                : HealthCheckResult.Unhealthy("The media port is not listening"));
        }
        catch (InvalidOperationException e)
        {
            // Not started yet, or stopped.
            return Task.FromResult(HealthCheckResult.Unhealthy(e.Message));
        }
    }
}
