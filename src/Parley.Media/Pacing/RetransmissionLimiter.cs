namespace Parley.Media.Pacing;

/// <summary>Why a retransmission was allowed or refused.</summary>
internal enum RetransmissionVerdict
{
    Allowed,

    /// <summary>It could no longer arrive in time to be played.</summary>
    TooOld,

    /// <summary>The previous copy may still be on its way (sent less than a round trip ago).</summary>
    TooSoon,

    TooManyAttempts,

    /// <summary>Retransmissions already used their share of the media rate.</summary>
    RateLimited,
}

/// <summary>
/// Decides whether a NACKed packet is resent, so a lossy link is not flooded with repairs (the storm the issue
/// describes: 12 Mbit/s of retransmissions into 300 kbit/s). A packet is resent only while it can still arrive in
/// time (its age plus half a round trip under the receiver's delay budget), not again before the previous copy
/// could have arrived (one round trip), at most a few times, and only while retransmitted bytes stay within a share
/// of the media bytes sent (a token bucket filled by media, with a small burst allowance).
/// </summary>
internal sealed class RetransmissionLimiter
{
    private readonly RetransmissionLimiterOptions _options;
    private long _roundTripTime;
    private double _tokens;

    public RetransmissionLimiter(RetransmissionLimiterOptions options)
    {
        if (options.MaxAttempts <= 0 || options.MaxShareOfMedia <= 0 || options.BurstBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options));
        }

        _options = options;
        _roundTripTime = options.DefaultRoundTripTimeMicroseconds;
        _tokens = options.BurstBytes;
    }

    public long RefusedTooOld { get; private set; }

    public long RefusedTooSoon { get; private set; }

    public long RefusedTooManyAttempts { get; private set; }

    public long RefusedRateLimited { get; private set; }

    public void SetRoundTripTime(long roundTripTimeMicroseconds) => _roundTripTime = Math.Max(0, roundTripTimeMicroseconds);

    /// <summary>Media bytes sent earn retransmission allowance.</summary>
    public void OnMediaSent(int size) =>
        _tokens = Math.Min(_tokens + (size * _options.MaxShareOfMedia), _options.BurstBytes + (size * _options.MaxShareOfMedia));

    /// <summary>
    /// Whether to resend a packet first sent at <paramref name="firstSentAt"/>, resent <paramref name="attempts"/>
    /// times already (the last at <paramref name="lastSentAt"/>); an allowed one spends its size.
    /// </summary>
    public RetransmissionVerdict Decide(long firstSentAt, long lastSentAt, int attempts, int size, long nowMicroseconds)
    {
        if (nowMicroseconds - firstSentAt + (_roundTripTime / 2) > _options.MaxDelayMicroseconds)
        {
            RefusedTooOld++;
            return RetransmissionVerdict.TooOld;
        }

        if (attempts >= _options.MaxAttempts)
        {
            RefusedTooManyAttempts++;
            return RetransmissionVerdict.TooManyAttempts;
        }

        if (attempts > 0 && nowMicroseconds - lastSentAt < Math.Max(_roundTripTime, _options.MinResendIntervalMicroseconds))
        {
            RefusedTooSoon++;
            return RetransmissionVerdict.TooSoon;
        }

        if (_tokens < size)
        {
            RefusedRateLimited++;
            return RetransmissionVerdict.RateLimited;
        }

        _tokens -= size;
        return RetransmissionVerdict.Allowed;
    }
}

/// <summary>Limits of a <see cref="RetransmissionLimiter"/>.</summary>
/// <param name="MaxDelayMicroseconds">How late a repair may still arrive and be played (the receiver's jitter buffer).</param>
/// <param name="MaxAttempts">Resends per packet.</param>
/// <param name="MaxShareOfMedia">Retransmitted bytes per media byte, over time.</param>
/// <param name="BurstBytes">Allowance on top, for a burst of losses.</param>
/// <param name="MinResendIntervalMicroseconds">Floor of the round trip between two resends of one packet.</param>
/// <param name="DefaultRoundTripTimeMicroseconds">The round trip before one is measured.</param>
internal readonly record struct RetransmissionLimiterOptions(
    long MaxDelayMicroseconds,
    int MaxAttempts,
    double MaxShareOfMedia,
    int BurstBytes,
    long MinResendIntervalMicroseconds,
    long DefaultRoundTripTimeMicroseconds)
{
    public static RetransmissionLimiterOptions Default => new(1_000_000, 3, 0.5, 12_000, 10_000, 100_000);
}
