using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Membership;

namespace Parley.Server.Webhooks;

/// <summary>
/// Turns room activity into outbox rows, one per event and interested webhook, right after the membership change
/// is committed (its own short transaction; the hub waits for this write and nothing more). Delivery is
/// <see cref="WebhookDispatcher"/>'s.
/// </summary>
internal sealed class WebhookOutbox(
    IDbContextFactory<ParleyDbContext> contexts, WebhookSignal signal, TimeProvider time, ILogger<WebhookOutbox> logger) : IRoomActivitySink
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // The owner of each room with a meeting on, so that a meeting ended by deleting the room still reaches the
    // owner's all-rooms webhooks after the room row is gone.
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);

    public async Task RecordAsync(IReadOnlyList<RoomActivity> activities)
    {
        if (activities.Count == 0)
        {
            return;
        }

        var roomId = activities[0].RoomId;
        try
        {
            await WriteAsync(roomId, activities);
        }
        catch (Exception exception)
        {
            WebhookLog.OutboxWriteFailed(logger, roomId, exception.Message);
        }
        finally
        {
            if (activities[^1] is MeetingEnded)
            {
                _owners.TryRemove(roomId, out _);
            }
        }
    }

    private async Task WriteAsync(string roomId, IReadOnlyList<RoomActivity> activities)
    {
        await using var db = await contexts.CreateDbContextAsync();
        string? ownerId;
        if (activities.OfType<MeetingStarted>().FirstOrDefault() is { } started)
        {
            ownerId = _owners[roomId] = started.OwnerId;
        }
        else if (!_owners.TryGetValue(roomId, out ownerId))
        {
            ownerId = await db.Rooms.Where(r => r.Id == roomId).Select(r => r.OwnerId).FirstOrDefaultAsync();
        }

        var webhooks = await db.Webhooks.AsNoTracking()
            .Where(w => w.DisabledAt == null && (w.RoomId == roomId || (w.RoomId == null && w.OwnerId == ownerId)))
            .Select(w => new { w.Id, w.Events })
            .ToListAsync();
        if (webhooks.Count == 0)
        {
            return;
        }

        var userIds = activities.Select(a => a switch
        {
            ParticipantJoined joined => joined.UserId,
            ParticipantLeft left => left.UserId,
            _ => null,
        }).OfType<string>().Distinct().ToList();
        var names = userIds.Count == 0
            ? []
            : await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name);
        var now = Timestamps.UtcNow(time);
        foreach (var activity in activities)
        {
            var (type, data) = Describe(activity, names);
            foreach (var webhook in webhooks.Where(w => w.Events.Contains(type)))
            {
                var delivery = new WebhookDelivery { WebhookId = webhook.Id, RoomId = roomId, Type = type, Body = string.Empty, CreatedAt = now, NextAttemptAt = now };
                delivery.Body = JsonSerializer.Serialize(new WebhookEventBody(delivery.Id, type, now, data), Json);
                db.WebhookDeliveries.Add(delivery);
            }
        }

        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync();
            signal.Notify();
        }
    }

    private static (string Type, object Data) Describe(RoomActivity activity, Dictionary<string, string> names) => activity switch
    {
        MeetingStarted started => (WebhookEventTypes.MeetingStarted, new MeetingStartedData(started.RoomId)),
        ParticipantJoined joined => (WebhookEventTypes.ParticipantJoined,
            new ParticipantJoinedData(joined.RoomId, joined.UserId, names.GetValueOrDefault(joined.UserId))),
        ParticipantLeft left => (WebhookEventTypes.ParticipantLeft,
            new ParticipantLeftData(left.RoomId, left.UserId, names.GetValueOrDefault(left.UserId), left.Reason.WireName())),
        MeetingEnded ended => (WebhookEventTypes.MeetingEnded, new MeetingEndedData(ended.RoomId, ended.Reason.WireName())),
        RecordingReady ready => (WebhookEventTypes.RecordingReady,
            new RecordingReadyData(ready.RoomId, ready.RecordingId, ready.DurationSeconds, ready.SizeBytes, ready.MimeType)),
        _ => throw new ArgumentOutOfRangeException(nameof(activity), activity.GetType().Name, "No webhook event for this activity."),
    };
}
