using Microsoft.Extensions.Options;

namespace Parley.Server.Membership;

/// <summary>
/// Heals membership after failures: runs <see cref="MembershipReconciliation"/> every
/// <see cref="MembershipSettings.ReconcileInterval"/>, and soon after any failed membership write. A pass that
/// fails (the database is still down) is retried at the next period, so the rows are right again within one period
/// of the database coming back. It stops as soon as the server starts stopping: the stop's drain empties the rooms,
/// and a pass then would only race the host's disposal of the services it uses.
/// </summary>
internal sealed class MembershipReconciler(
    IOptions<MembershipSettings> options,
    MembershipRepairs repairs,
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    ILogger<MembershipReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        await RunAsync(stopping.Token);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReconcileInterval;
        // Some breathing room between passes, so that a stream of failed writes cannot make the reconciler spin.
        var gap = interval / 10;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await repairs.WaitAsync(interval, stoppingToken);
                await Task.Delay(gap, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<MembershipReconciliation>().RunAsync(stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: whatever the pass ran into (a cancellation, a service already disposed) is moot.
                return;
            }
            catch (Exception exception)
            {
                MembershipLog.ReconcileFailed(logger, exception.Message, interval);
            }
        }
    }
}
