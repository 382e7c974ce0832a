namespace Parley.Media.Bwe;

/// <summary>
/// Plans probe clusters. At start, two clusters at 3× and 6× the start rate find the link quickly. Afterwards a
/// probe goes out when the allocator wants more than the estimate: at twice the estimate (capped by the wish and
/// the maximum). A probe that got through (the estimate reached 70 % of its target and grew by 10 %) is followed
/// at once by the next (after 1 s when the estimate is now beyond the link's known capacity); one that did not waits, doubling the wait from 1 s up to 4 s, so a congested link is not hammered while a
/// restored one is found within seconds.
/// </summary>
internal sealed class ProbeController
{
    public const long MinRetryMicroseconds = 1_000_000;
    public const long MaxRetryMicroseconds = 4_000_000;
    private const long ResultTimeoutMicroseconds = 1_000_000;
    private const double SuccessFraction = 0.7;
    private const double MinGrowth = 1.1;
    private const int MaxPending = 4;

    private readonly long _maxBitrate;
    private readonly ProbeCluster[] _pending = new ProbeCluster[MaxPending];
    private int _pendingCount;
    private int _nextId = 1;
    private long _awaitedTarget;
    private long _estimateAtProbe;
    private long _awaitedSince = -1;
    private long _retryInterval = MinRetryMicroseconds;
    private long _nextProbeAllowed;
    private long _desiredBitrate;

    public ProbeController(long maxBitrate)
    {
        _maxBitrate = maxBitrate;
    }

    /// <summary>Clusters planned so far.</summary>
    public long Planned { get; private set; }

    /// <summary>Plans the initial clusters.</summary>
    public void OnStart(long startBitrate, long nowMicroseconds)
    {
        Plan(startBitrate * 3, nowMicroseconds);
        Plan(startBitrate * 6, nowMicroseconds);
    }

    /// <summary>What the allocator would use if it had it; probing aims at this.</summary>
    public void SetDesiredBitrate(long bitrate) => _desiredBitrate = Math.Min(bitrate, _maxBitrate);

    /// <summary>
    /// Called with each new estimate; plans the next cluster when one is due. A probe that took the estimate over
    /// <paramref name="linkCapacityUpperBound"/> (where overuse was last seen, plus three deviations) is not followed
    /// at once but after <see cref="MinRetryMicroseconds"/>: the layers raised on it show within that time whether the
    /// link carries them, and a second result from arrivals a busy receiver stamped in a batch cannot double the
    /// estimate again before (the bench saw 170 → 680 kbit/s at a 300 kbit/s link in 0.2 s).
    /// </summary>
    public void OnEstimate(long estimate, long nowMicroseconds, long linkCapacityUpperBound = long.MaxValue)
    {
        if (_awaitedSince >= 0)
        {
            if (estimate >= SuccessFraction * _awaitedTarget && estimate >= MinGrowth * _estimateAtProbe)
            {
                _awaitedSince = -1;
                _retryInterval = MinRetryMicroseconds;
                _nextProbeAllowed = estimate > linkCapacityUpperBound ? nowMicroseconds + MinRetryMicroseconds : nowMicroseconds;
            }
            else if (nowMicroseconds - _awaitedSince >= ResultTimeoutMicroseconds)
            {
                _awaitedSince = -1;
                _nextProbeAllowed = nowMicroseconds + _retryInterval;
                _retryInterval = Math.Min(_retryInterval * 2, MaxRetryMicroseconds);
            }
            else
            {
                return;
            }
        }

        if (_desiredBitrate > estimate && nowMicroseconds >= _nextProbeAllowed && estimate < _maxBitrate)
        {
            _estimateAtProbe = estimate;
            Plan(Math.Min(estimate * 2, Math.Max(_desiredBitrate, estimate + (estimate / 4))), nowMicroseconds);
        }
    }

    /// <summary>
    /// The last cluster settled nothing: its result above the link's known capacity was held at it until a later
    /// cluster confirms it (see <see cref="AimdRateController.OnProbeResult"/>), or its arrivals made no sense (see
    /// <see cref="ProbeResultEvaluator.Invalid"/>). The next probe follows after <see cref="MinRetryMicroseconds"/>,
    /// not after the backed-off wait, so that a restored link is confirmed within seconds; a second apart, one stall
    /// of a busy receiver does not pass both.
    /// </summary>
    public void OnInconclusiveResult(long nowMicroseconds)
    {
        _awaitedSince = -1;
        _retryInterval = MinRetryMicroseconds;
        _nextProbeAllowed = nowMicroseconds + MinRetryMicroseconds;
    }

    /// <summary>The next planned cluster, for the pacer.</summary>
    public bool TryTake(out ProbeCluster cluster)
    {
        if (_pendingCount == 0)
        {
            cluster = default;
            return false;
        }

        cluster = _pending[0];
        _pendingCount--;
        Array.Copy(_pending, 1, _pending, 0, _pendingCount);
        return true;
    }

    private void Plan(long target, long now)
    {
        target = Math.Min(target, _maxBitrate);
        if (_pendingCount == MaxPending || target <= 0)
        {
            return;
        }

        _pending[_pendingCount++] = ProbeCluster.For(_nextId++, target);
        Planned++;
        _awaitedTarget = target;
        _awaitedSince = now;
    }
}
