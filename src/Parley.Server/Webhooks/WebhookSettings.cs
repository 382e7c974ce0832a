namespace Parley.Server.Webhooks;

/// <summary>The <c>Webhooks</c> settings (README lists them); the retry timings are settings so tests run fast.</summary>
internal sealed class WebhookSettings
{
    public const string SectionName = "Webhooks";

    /// <summary>Whether URLs on loopback, private and link-local addresses are accepted (for a receiver on the same network).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long one delivery attempt may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first retry; each later wait doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts (the first included) before a delivery is given up.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>A delivery still not through this long after its event is given up at its next failure.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An endpoint with this many given-up deliveries in a row is disabled.</summary>
    public int DisableAfterGivenUp { get; set; } = 5;

    /// <summary>How often the outbox is looked at when nothing signalled new work (a safety net; writes signal).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries in flight at once, to different endpoints or rooms.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Webhooks one user may register.</summary>
    public int MaxPerUser { get; set; } = 20;

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1, after <paramref name="attempts"/> failed ones.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(FirstRetryDelay.Ticks * factor, MaxRetryDelay.Ticks));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }
}
