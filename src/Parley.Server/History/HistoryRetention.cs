using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Server.History;

/// <summary>
/// Deletes sessions (with their attendance) that ended more than <see cref="HistorySettings.RetentionDays"/> ago,
/// at start and every <see cref="HistorySettings.CleanupInterval"/>. The clock is the injected
/// <see cref="TimeProvider"/>.
/// </summary>
internal sealed class HistoryRetention(
    IDbContextFactory<ParleyDbContext> contexts,
    IOptions<HistorySettings> options,
    TimeProvider time,
    ILogger<HistoryRetention> logger) : BackgroundService
{
    /// <summary>One cleanup pass; returns how many sessions it deleted.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.RetentionDays;
        if (days <= 0)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(days);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Attendance goes with its session (on delete cascade).
        var deleted = await db.MeetingSessions.Where(s => s.EndedAt != null && s.EndedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            HistoryLog.Purged(logger, deleted, cutoff);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CleanupInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken);
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                HistoryLog.PurgeFailed(logger, interval, exception.Message);
                await Task.Delay(interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
