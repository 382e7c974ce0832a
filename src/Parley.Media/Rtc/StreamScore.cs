namespace Parley.Media.Rtc;

/// <summary>
/// A 0–10 quality score of one RTP stream, computed each report interval from the packets expected, lost,
/// repaired and retransmitted, and smoothed over the recent intervals (newer weigh more), as mediasoup reports
/// <c>score</c> for producers and consumers. Owned by one worker thread.
/// </summary>
/// <remarks>
/// An interval's score is round(10 · delivered⁴) where delivered is the share of expected packets that arrived,
/// counting repaired ones as partly delivered: a repair that needed many retransmissions counts for less.
/// </remarks>
internal sealed class StreamScore
{
    /// <summary>Intervals the average covers.</summary>
    public const int HistoryLength = 24;

    private readonly byte[] _history = new byte[HistoryLength];
    private int _historyCount;
    private int _historyStart;
    private long _expectedPrior;
    private long _lostPrior;
    private long _repairedPrior;
    private long _retransmittedPrior;

    /// <summary>Starts at <paramref name="initialScore"/> (10: a stream is trusted until reports say otherwise).</summary>
    public StreamScore(int initialScore = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialScore);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(initialScore, 10);
        Score = initialScore;
    }

    /// <summary>The current smoothed score, 0 to 10.</summary>
    public int Score { get; private set; }

    /// <summary>
    /// Takes the cumulative counters of the stream at a report and returns the new score. <paramref name="totalLost"/>
    /// counts packets that did not arrive as originals (a packet recovered by RTX is lost here and counted again in
    /// <paramref name="totalRepaired"/>); <paramref name="totalRetransmitted"/> counts resends, so repairs that
    /// took several resends weigh less. An interval with nothing expected leaves the score unchanged.
    /// </summary>
    public int Update(long totalExpected, long totalLost, long totalRepaired, long totalRetransmitted)
    {
        var expected = totalExpected - _expectedPrior;
        var lost = totalLost - _lostPrior;
        var repaired = totalRepaired - _repairedPrior;
        var retransmitted = totalRetransmitted - _retransmittedPrior;
        _expectedPrior = totalExpected;
        _lostPrior = totalLost;
        _repairedPrior = totalRepaired;
        _retransmittedPrior = totalRetransmitted;

        if (expected <= 0)
        {
            return Score;
        }

        lost = Math.Clamp(lost, 0, expected);
        repaired = Math.Clamp(repaired, 0, lost);
        var repairedRatio = (double)repaired / expected;
        var repairedWeight = Math.Pow(1 / (repairedRatio + 1), 4);
        if (retransmitted > 0)
        {
            repairedWeight *= Math.Min(1.0, (double)repaired / retransmitted);
        }

        var effectiveLost = Math.Max(0, lost - (repaired * repairedWeight));
        var delivered = (expected - effectiveLost) / expected;
        AddToHistory((byte)Math.Round(Math.Pow(delivered, 4) * 10));
        return Score;
    }

    /// <summary>Forgets the history and the counters (new SSRC), keeping <paramref name="score"/>.</summary>
    public void Reset(int score = 10)
    {
        _historyCount = 0;
        _historyStart = 0;
        _expectedPrior = _lostPrior = _repairedPrior = _retransmittedPrior = 0;
        Score = Math.Clamp(score, 0, 10);
    }

    private void AddToHistory(byte intervalScore)
    {
        if (_historyCount < HistoryLength)
        {
            _history[(_historyStart + _historyCount++) % HistoryLength] = intervalScore;
        }
        else
        {
            _history[_historyStart] = intervalScore;
            _historyStart = (_historyStart + 1) % HistoryLength;
        }

        // Weights 1..n from oldest to newest.
        long weighted = 0;
        long weights = 0;
        for (var i = 0; i < _historyCount; i++)
        {
            var weight = i + 1;
            weighted += _history[(_historyStart + i) % HistoryLength] * weight;
            weights += weight;
        }

        Score = (int)Math.Round((double)weighted / weights);
    }
}
