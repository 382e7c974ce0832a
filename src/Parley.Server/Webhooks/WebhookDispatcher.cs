using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;

namespace Parley.Server.Webhooks;

/// <summary>
/// Delivers the outbox: for each endpoint and room, the oldest pending delivery, one at a time, so that a later
/// event is never delivered before an earlier one is delivered or given up. Failures are retried with exponential
/// backoff; a delivery out of attempts or too old is given up, and an endpoint with
/// <see cref="WebhookSettings.DisableAfterGivenUp"/> given up in a row is disabled.
/// </summary>
internal sealed class WebhookDispatcher(
    IDbContextFactory<ParleyDbContext> contexts,
    WebhookSender sender,
    WebhookSignal signal,
    IOptions<WebhookSettings> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 1000;

    // The claim on a row outlasts an attempt, so a row is not sent twice; a crashed process's claims expire.
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    private readonly WebhookSettings _settings = options.Value;

    // One attempt at a time per (endpoint, room): this, with the lease column, keeps a row from being sent twice at once.
    private readonly ConcurrentDictionary<(string WebhookId, string? RoomId), Task> _inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = _settings.PollInterval;
            try
            {
                wait = await StartDueAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                WebhookLog.LoopFailed(logger, exception.Message);
            }

            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_inFlight.Values);
    }

    /// <summary>Starts an attempt for every due head of line; returns how long until the next one is due.</summary>
    private async Task<TimeSpan> StartDueAsync(CancellationToken stoppingToken)
    {
        await using var db = await contexts.CreateDbContextAsync(stoppingToken);
        var now = Timestamps.UtcNow(time);
        var pending = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.DeliveredAt == null && d.GivenUpAt == null && d.Webhook!.DisabledAt == null)
            .OrderBy(d => d.Sequence)
            .Take(BatchSize)
            .Select(d => new { d.Sequence, d.WebhookId, d.RoomId, d.NextAttemptAt, d.LeaseUntil })
            .ToListAsync(stoppingToken);
        var next = now + _settings.PollInterval;
        foreach (var line in pending.GroupBy(d => (d.WebhookId, d.RoomId)))
        {
            var head = line.First();
            if (_inFlight.ContainsKey(line.Key))
            {
                continue;
            }

            var dueAt = head.LeaseUntil is { } lease && lease > head.NextAttemptAt ? lease : head.NextAttemptAt;
            if (dueAt > now)
            {
                next = dueAt < next ? dueAt : next;
                continue;
            }

            if (_inFlight.Count >= _settings.MaxConcurrency)
            {
                break;
            }

            var leaseUntil = now + _settings.Timeout + LeaseMargin;
            var claimed = await db.WebhookDeliveries
                .Where(d => d.Sequence == head.Sequence && (d.LeaseUntil == null || d.LeaseUntil <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseUntil, leaseUntil), stoppingToken);
            if (claimed == 1)
            {
                var key = line.Key;
                _inFlight[key] = Task.Run(async () =>
                {
                    try
                    {
                        await AttemptAsync(head.Sequence, stoppingToken);
                    }
                    catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                    {
                        WebhookLog.LoopFailed(logger, exception.Message);
                    }
                    finally
                    {
                        _inFlight.TryRemove(key, out _);
                        signal.Notify();
                    }
                }, CancellationToken.None);
            }
        }

        var wait = next - now;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private async Task AttemptAsync(long sequence, CancellationToken stoppingToken)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var delivery = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Sequence == sequence)
            .Select(d => new { d.Id, d.WebhookId, d.Type, d.Body, d.Attempts, d.CreatedAt, d.Webhook!.Url, d.Webhook.Secret, d.Webhook.DisabledAt })
            .FirstOrDefaultAsync(CancellationToken.None);
        if (delivery is null || delivery.DisabledAt is not null)
        {
            return;
        }

        WebhookAttempt attempt;
        try
        {
            attempt = await sender.SendAsync(delivery.Url, delivery.Secret, delivery.Id, delivery.Type, delivery.Body, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Cut short by the server stopping: not an attempt; the row waits for the next start.
            await db.WebhookDeliveries.Where(d => d.Sequence == sequence)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseUntil, (DateTime?)null), CancellationToken.None);
            return;
        }

        var now = Timestamps.UtcNow(time);
        var attempts = delivery.Attempts + 1;
        if (attempt.Delivered)
        {
            await db.WebhookDeliveries.Where(d => d.Sequence == sequence).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Attempts, attempts)
                .SetProperty(d => d.LastStatus, attempt.Status)
                .SetProperty(d => d.DeliveredAt, now)
                .SetProperty(d => d.LeaseUntil, (DateTime?)null), CancellationToken.None);
            await db.Webhooks.Where(w => w.Id == delivery.WebhookId && w.ConsecutiveFailures != 0)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.ConsecutiveFailures, 0), CancellationToken.None);
            return;
        }

        WebhookLog.AttemptFailed(logger, delivery.Id, delivery.WebhookId, attempts, attempt.Status, attempt.Error ?? "failed");
        var giveUp = attempts >= _settings.MaxAttempts || now - delivery.CreatedAt >= _settings.MaxAge;
        DateTime? givenUpAt = giveUp ? now : null;
        await db.WebhookDeliveries.Where(d => d.Sequence == sequence).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.LastStatus, attempt.Status)
            .SetProperty(d => d.NextAttemptAt, now + _settings.RetryDelay(attempts))
            .SetProperty(d => d.GivenUpAt, givenUpAt)
            .SetProperty(d => d.LeaseUntil, (DateTime?)null), CancellationToken.None);
        if (giveUp)
        {
            WebhookLog.GivenUp(logger, delivery.Id, delivery.WebhookId, attempts);
            await CountGivenUpAsync(db, delivery.WebhookId, now);
        }
    }

    private async Task CountGivenUpAsync(ParleyDbContext db, string webhookId, DateTime now)
    {
        await db.Webhooks.Where(w => w.Id == webhookId)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.ConsecutiveFailures, w => w.ConsecutiveFailures + 1), CancellationToken.None);
        var limit = _settings.DisableAfterGivenUp;
        var disabled = await db.Webhooks.Where(w => w.Id == webhookId && w.DisabledAt == null && w.ConsecutiveFailures >= limit)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.DisabledAt, now), CancellationToken.None);
        if (disabled == 1)
        {
            WebhookLog.Disabled(logger, webhookId, limit);
        }
    }
}
