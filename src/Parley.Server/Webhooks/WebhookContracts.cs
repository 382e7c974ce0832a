using System.Text.Json.Serialization;
using Parley.Data.Entities;

namespace Parley.Server.Webhooks;

/// <summary>Body of <c>POST /api/webhooks</c>.</summary>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events, string? RoomId);

/// <summary>The contract's <c>webhook</c>; <see cref="Secret"/> is only in the answer to its registration.</summary>
public sealed record WebhookDto(
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    string? RoomId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret,
    DateTime CreatedAt,
    DateTime? DisabledAt)
{
    internal static WebhookDto From(Webhook webhook, bool withSecret) => new(
        webhook.Id, webhook.Url, webhook.Events, webhook.RoomId, withSecret ? webhook.Secret : null, webhook.CreatedAt, webhook.DisabledAt);
}

/// <summary><c>{webhook}</c></summary>
public sealed record WebhookResponse(WebhookDto Webhook);

/// <summary><c>{webhooks:[webhook]}</c> (without secrets)</summary>
public sealed record WebhookListResponse(IReadOnlyList<WebhookDto> Webhooks);

/// <summary>
/// One entry of the delivery log. <see cref="GivenUpAt"/> is an addition to the contract's shape: when the retries
/// ran out (null while it is pending or once delivered).
/// </summary>
public sealed record WebhookDeliveryDto(
    string Id, string Type, int Attempts, int? LastStatus, DateTime? DeliveredAt, DateTime CreatedAt, DateTime? GivenUpAt);

/// <summary><c>{deliveries:[delivery]}</c>, newest first.</summary>
public sealed record WebhookDeliveryListResponse(IReadOnlyList<WebhookDeliveryDto> Deliveries);
