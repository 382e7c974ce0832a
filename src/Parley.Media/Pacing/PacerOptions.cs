namespace Parley.Media.Pacing;

/// <summary>Limits of a <see cref="Pacer"/>.</summary>
/// <param name="QueueCapacity">Packets each class can hold; more are refused and counted.</param>
/// <param name="MaxQueueTimeMicroseconds">
/// The pacer raises its rate so that no queued packet waits longer than this (a keyframe at a low estimate must
/// not sit in the queue for seconds).
/// </param>
/// <param name="MaxBurstMicroseconds">Unused budget kept at most this long, so an idle period does not become a burst.</param>
/// <param name="MaxPaddingSize">Largest padding packet to ask for.</param>
internal readonly record struct PacerOptions(
    int QueueCapacity,
    long MaxQueueTimeMicroseconds,
    long MaxBurstMicroseconds,
    int MaxPaddingSize)
{
    public static PacerOptions Default => new(2048, 500_000, 10_000, 1200);
}
