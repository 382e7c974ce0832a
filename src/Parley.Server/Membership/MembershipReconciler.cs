using Microsoft.Extensions.Options;

namespace Parley.Server.Membership;

/// <summary>
/// Heals membership after failures: runs <see cref="MembershipReconciliation"/> every
/// <see cref="MembershipSettings.ReconcileInterval"/>, and soon after any failed membership write. A pass that
/// fails (the database is still down) is retried at the next period, so the rows are right again within one period
/// of the database coming back.
/// </summary>
internal sealed class MembershipReconciler(
    IOptions<MembershipSettings> options,
    MembershipRepairs repairs,
    IServiceScopeFactory scopes,
    ILogger<MembershipReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
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
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                MembershipLog.ReconcileFailed(logger, exception.Message, interval);
            }
        }
    }
}
