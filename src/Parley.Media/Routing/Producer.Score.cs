namespace Parley.Media.Routing;

/// <content>
/// The producer's score (mediasoup's <c>producer.score</c>, one figure here): the best of its streams' scores, each from
/// the loss we see on its way in. The best, because a simulcast sender that stops an encoding for its own reasons (or
/// because nobody wants it) leaves that stream's score where it was; the streams share one path, so the best one shows
/// what the path does.
/// </content>
public sealed partial class Producer
{
    private volatile int _score = 10;

    /// <summary>
    /// Raised (on a thread-pool thread, one event at a time, in order) with the new score, 0 to 10, when it changes;
    /// mediasoup's <c>score</c> event.
    /// </summary>
    public event EventHandler<int>? ScoreChanged;

    /// <summary>The score as last raised (10 until a report changes it).</summary>
    public int Score => _score;

    /// <summary>On the worker, after a stream's score was updated (our receiver report): raises a change.</summary>
    internal void UpdateScore()
    {
        var best = 0;
        foreach (var stream in Streams)
        {
            if (stream.IsBound && stream.Statistics.PacketCount > 0)
            {
                best = Math.Max(best, stream.Score);
            }
        }

        if (best == _score)
        {
            return;
        }

        _score = best;
        Transport.Worker.RaiseEvent(ScoreChanged, this, best);
    }
}
