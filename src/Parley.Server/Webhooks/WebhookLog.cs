namespace Parley.Server.Webhooks;

/// <summary>Webhook log messages (event ids 3600-3699); docs/operations.md lists them.</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(3600, LogLevel.Information, "User {UserId} registered webhook {WebhookId} for room {RoomId}")]
    public static partial void Registered(ILogger logger, string userId, string webhookId, string roomId);

    [LoggerMessage(3601, LogLevel.Information, "User {UserId} deleted webhook {WebhookId}")]
    public static partial void Deleted(ILogger logger, string userId, string webhookId);

    [LoggerMessage(3602, LogLevel.Warning, "Webhook events of room {RoomId} were not written to the outbox: {Reason}")]
    public static partial void OutboxWriteFailed(ILogger logger, string roomId, string reason);

    [LoggerMessage(3603, LogLevel.Debug, "Delivery {DeliveryId} to webhook {WebhookId} failed (attempt {Attempts}, status {Status}): {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string deliveryId, string webhookId, int attempts, int? status, string reason);

    [LoggerMessage(3604, LogLevel.Information, "Delivery {DeliveryId} to webhook {WebhookId} was given up after {Attempts} attempts")]
    public static partial void GivenUp(ILogger logger, string deliveryId, string webhookId, int attempts);

    [LoggerMessage(3605, LogLevel.Warning, "Webhook {WebhookId} was disabled after {Failures} given-up deliveries in a row")]
    public static partial void Disabled(ILogger logger, string webhookId, int failures);

    [LoggerMessage(3606, LogLevel.Warning, "The webhook delivery loop failed and retries: {Reason}")]
    public static partial void LoopFailed(ILogger logger, string reason);
}
