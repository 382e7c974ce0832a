using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Data.Entities;

namespace Parley.Server.Webhooks;

/// <summary>What a registration request came to: the webhook, or why not.</summary>
internal sealed record WebhookOutcome(Webhook? Webhook, int Status, string? Problem);

/// <summary>Registering, listing and deleting webhooks, and reading their delivery log; the rules of who may.</summary>
internal sealed class WebhookRegistrations(ParleyDbContext db, IOptions<WebhookSettings> options, TimeProvider time)
{
    private const int MaxUrlLength = 2000;
    private const int LogPageSize = 100;
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    public async Task<WebhookOutcome> RegisterAsync(string userId, CreateWebhookRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (ValidateUrl(request.Url) is { } urlProblem)
        {
            return Bad(urlProblem);
        }

        if (request.Events is not { Count: > 0 } || request.Events.Count > 20)
        {
            return Bad($"'events' must list 1 to 20 event types from: {string.Join(", ", WebhookEventTypes.All)}.");
        }

        // JSON may hold nulls where the type says strings.
        var unknown = request.Events.Where(e => e is null || !WebhookEventTypes.All.Contains(e)).Select(e => e ?? "null").FirstOrDefault();
        if (unknown is not null)
        {
            return Bad($"'events' has an unknown type '{Truncate(unknown)}'; known types are {string.Join(", ", WebhookEventTypes.All)}.");
        }

        var url = new Uri(request.Url!);
        if (await RefusedAddressAsync(url, settings.AllowPrivateAddresses, cancellationToken) is { } addressProblem)
        {
            return Bad(addressProblem);
        }

        if (request.RoomId is not null)
        {
            var ownerId = await db.Rooms.Where(r => r.Id == request.RoomId).Select(r => r.OwnerId).FirstOrDefaultAsync(cancellationToken);
            if (ownerId is null)
            {
                return new(null, StatusCodes.Status404NotFound, $"No room has the id '{Truncate(request.RoomId)}' ('roomId').");
            }

            if (ownerId != userId)
            {
                return new(null, StatusCodes.Status403Forbidden, "Only the room's owner can register webhooks for it ('roomId').");
            }
        }

        if (await db.Webhooks.CountAsync(w => w.OwnerId == userId, cancellationToken) >= settings.MaxPerUser)
        {
            return new(null, StatusCodes.Status409Conflict, $"You have {settings.MaxPerUser} webhooks, the most one user may have. Delete one first.");
        }

        var webhook = new Webhook
        {
            OwnerId = userId,
            RoomId = request.RoomId,
            Url = url.AbsoluteUri,
            Events = request.Events.Distinct(StringComparer.Ordinal).ToList(),
            Secret = WebhookSignature.NewSecret(),
            CreatedAt = Timestamps.UtcNow(time),
        };
        db.Webhooks.Add(webhook);
        await db.SaveChangesAsync(cancellationToken);
        return new(webhook, StatusCodes.Status201Created, null);
    }

    public async Task<IReadOnlyList<Webhook>> ListAsync(string userId, CancellationToken cancellationToken) =>
        await db.Webhooks.AsNoTracking().Where(w => w.OwnerId == userId)
            .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToListAsync(cancellationToken);

    /// <summary>Deletes the caller's webhook with its deliveries (pending ones included); false when they have none by that id.</summary>
    public async Task<bool> DeleteAsync(string userId, string webhookId, CancellationToken cancellationToken) =>
        await db.Webhooks.Where(w => w.Id == webhookId && w.OwnerId == userId).ExecuteDeleteAsync(cancellationToken) > 0;

    /// <summary>The newest deliveries of the caller's webhook, or null when they have none by that id.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryDto>?> ListDeliveriesAsync(string userId, string webhookId, CancellationToken cancellationToken)
    {
        if (!await db.Webhooks.AnyAsync(w => w.Id == webhookId && w.OwnerId == userId, cancellationToken))
        {
            return null;
        }

        return await db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookId == webhookId)
            .OrderByDescending(d => d.Sequence).Take(LogPageSize)
            .Select(d => new WebhookDeliveryDto(d.Id, d.Type, d.Attempts, d.LastStatus, d.DeliveredAt, d.CreatedAt, d.GivenUpAt))
            .ToListAsync(cancellationToken);
    }

    private static string? ValidateUrl(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxUrlLength
            || !Uri.TryCreate(value, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return $"'url' must be an absolute http or https URL of at most {MaxUrlLength} characters.";
        }

        return url.UserInfo.Length > 0 ? "'url' must not carry a user name or password." : null;
    }

    private static async Task<string?> RefusedAddressAsync(Uri url, bool allowPrivate, CancellationToken cancellationToken)
    {
        if (allowPrivate)
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        IReadOnlyList<System.Net.IPAddress> allowed;
        try
        {
            allowed = await WebhookAddresses.ResolveAllowedAsync(url.Host, allowPrivate: false, timeout.Token);
            var all = await WebhookAddresses.ResolveAllowedAsync(url.Host, allowPrivate: true, timeout.Token);
            // One private address among several is enough to refuse: which one a client picks is not ours to know.
            if (allowed.Count == all.Count && allowed.Count > 0)
            {
                return null;
            }
        }
        catch (Exception exception) when (exception is System.Net.Sockets.SocketException or ArgumentException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"'url': the host '{Truncate(url.Host)}' could not be resolved.";
        }

        return $"'url' points at a loopback or private address ('{Truncate(url.Host)}'); this server does not send webhooks into private networks (setting Webhooks__AllowPrivateAddresses).";
    }

    private static WebhookOutcome Bad(string problem) => new(null, StatusCodes.Status400BadRequest, problem);

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
