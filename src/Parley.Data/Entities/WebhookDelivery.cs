namespace Parley.Data.Entities;

/// <summary>
/// One event for one <see cref="Webhook"/>: the outbox row that the delivery service sends, and afterwards its
/// entry in the delivery log.
/// </summary>
public class WebhookDelivery
{
    /// <summary>The outbox order: deliveries of one endpoint and room go out in this order.</summary>
    public long Sequence { get; set; }

    /// <summary>The public id: the body's <c>id</c> and the <c>Parley-Delivery</c> header.</summary>
    public string Id { get; set; } = IdGenerator.NewId();

    public required string WebhookId { get; set; }

    /// <summary>The room the event is about (the ordering key); not a foreign key, so the log outlives the room.</summary>
    public string? RoomId { get; set; }

    /// <summary>The event type, e.g. <c>meeting.started</c>.</summary>
    public required string Type { get; set; }

    /// <summary>The exact JSON body sent (and signed) on every attempt.</summary>
    public required string Body { get; set; }

    public DateTime CreatedAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>The HTTP status of the last attempt, or null when it got no answer (refused, timed out).</summary>
    public int? LastStatus { get; set; }

    /// <summary>Not before this time is the next attempt made.</summary>
    public DateTime NextAttemptAt { get; set; }

    public DateTime? DeliveredAt { get; set; }

    /// <summary>When the retries ran out; no more attempts after.</summary>
    public DateTime? GivenUpAt { get; set; }

    /// <summary>While set and in the future, an attempt is under way (the claim that keeps a row from being sent twice).</summary>
    public DateTime? LeaseUntil { get; set; }

    public Webhook? Webhook { get; set; }
}
