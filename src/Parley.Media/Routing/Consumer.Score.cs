namespace Parley.Media.Routing;

/// <content>
/// The consumer's score (mediasoup's <c>consumer.score</c> and its <c>score</c> event): its own stream's, from the
/// receiver's reports, with that of the producer stream it forwards; raised when either changes.
/// </content>
public abstract partial class Consumer
{
    // Score << 8 | ProducerScore, as last told; both start at 10 (trusted until reports say otherwise).
    private volatile int _reportedScore = (10 << 8) | 10;

    /// <summary>
    /// Raised (on a thread-pool thread, one event at a time, in order) when the consumer's score or its producer stream's
    /// changes; mediasoup's <c>score</c> event.
    /// </summary>
    public event EventHandler<ConsumerScore>? ScoreChanged;

    /// <summary>The scores as last raised (10 and 10 until a report changes them).</summary>
    public ConsumerScore Score => new(_reportedScore >> 8, _reportedScore & 0xFF);

    /// <summary>
    /// On the worker, after a receiver report and on the transport's timer (the producer stream's score changes with our
    /// own reports, and a simulcast consumer changes streams): raises <see cref="ScoreChanged"/> when a score moved.
    /// Compares two integers and raises nothing in the steady state.
    /// </summary>
    private protected void UpdateScore()
    {
        var packed = (SendStreams[0].Score << 8) | StatsSource.Score;
        if (packed == _reportedScore)
        {
            return;
        }

        _reportedScore = packed;
        Worker.RaiseEvent(ScoreChanged, this, new ConsumerScore(packed >> 8, packed & 0xFF));
    }
}
