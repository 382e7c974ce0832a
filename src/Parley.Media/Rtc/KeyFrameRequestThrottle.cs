namespace Parley.Media.Rtc;

/// <summary>
/// Limits key frame requests (PLI, FIR) forwarded upstream for one stream to one per interval: many consumers
/// losing the same packet should cost the sender one key frame, not one each. A request arriving inside the
/// interval is kept pending and goes out when the interval ends, unless a key frame arrives first. Also keeps the
/// FIR command sequence number (RFC 5104 §4.3.1.1). Owned by one worker thread.
/// </summary>
internal sealed class KeyFrameRequestThrottle
{
    /// <summary>Default interval between two requests forwarded (mediasoup waits about a second).</summary>
    public const int DefaultIntervalMilliseconds = 1000;

    /// <summary>
    /// How soon a request of our own that no keyframe answered is repeated (see <see cref="TryRepeat"/>). A libwebrtc
    /// sender acts on one keyframe request per 300 ms across all its encodings and drops the others
    /// (EncoderRtcpFeedback): a switch to another encoding of a sender just asked for a keyframe of one is ignored, and
    /// a repeat after the full interval froze the browser bench's picture 1.2 s at 300 kbit/s.
    /// </summary>
    public const int DefaultRepeatIntervalMilliseconds = 400;

    private long _lastForwardedAtMilliseconds;
    private bool _hasForwarded;
    private byte _firSequenceNumber;

    /// <summary>
    /// Creates a throttle forwarding at most one request per <paramref name="intervalMilliseconds"/>, and repeating an
    /// unanswered need of our own after <paramref name="repeatIntervalMilliseconds"/>.
    /// </summary>
    public KeyFrameRequestThrottle(int intervalMilliseconds = DefaultIntervalMilliseconds, int repeatIntervalMilliseconds = DefaultRepeatIntervalMilliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intervalMilliseconds);
        ArgumentOutOfRangeException.ThrowIfNegative(repeatIntervalMilliseconds);
        IntervalMilliseconds = intervalMilliseconds;
        RepeatIntervalMilliseconds = repeatIntervalMilliseconds;
    }

    public int IntervalMilliseconds { get; }

    public int RepeatIntervalMilliseconds { get; }

    /// <summary>A request came in during the interval and waits for <see cref="TryForwardPending"/>.</summary>
    public bool IsPending { get; private set; }

    /// <summary>Requests forwarded upstream.</summary>
    public long ForwardedCount { get; private set; }

    /// <summary>Requests absorbed by the throttle (merged into one forwarded or pending).</summary>
    public long ThrottledCount { get; private set; }

    /// <summary>
    /// A downstream request (or our own need) for a key frame. Returns true when the caller should send a PLI/FIR
    /// upstream now; otherwise the request is merged into a pending one.
    /// </summary>
    public bool TryRequest(long nowMilliseconds)
    {
        if (ElapsedSinceForward(nowMilliseconds, IntervalMilliseconds))
        {
            Forward(nowMilliseconds);
            return true;
        }

        ThrottledCount++;
        IsPending = true;
        return false;
    }

    /// <summary>
    /// Our own need for a keyframe (a consumer starting, or switching streams) that none answered yet: true when the
    /// request should go out again now, <see cref="RepeatIntervalMilliseconds"/> after the last one forwarded.
    /// Requests passed on from receivers keep to <see cref="IntervalMilliseconds"/>.
    /// </summary>
    public bool TryRepeat(long nowMilliseconds)
    {
        if (!ElapsedSinceForward(nowMilliseconds, RepeatIntervalMilliseconds))
        {
            return false;
        }

        Forward(nowMilliseconds);
        return true;
    }

    /// <summary>Call on the worker's timer: true when a pending request may go out now.</summary>
    public bool TryForwardPending(long nowMilliseconds)
    {
        if (!IsPending || nowMilliseconds - _lastForwardedAtMilliseconds < IntervalMilliseconds)
        {
            return false;
        }

        Forward(nowMilliseconds);
        return true;
    }

    /// <summary>
    /// A key frame arrived from upstream: the pending request is satisfied, and the next request may go out at once,
    /// since it asks for a newer key frame than this one.
    /// </summary>
    public void OnKeyFrameReceived() => Restart();

    /// <summary>
    /// Forgets the requests so far (the stream they asked changed): the next request goes out at once.
    /// </summary>
    public void Restart()
    {
        IsPending = false;
        _hasForwarded = false;
    }

    /// <summary>
    /// The sequence number for a new FIR: it increases per new request and is repeated when the same request is sent
    /// again (RFC 5104 §4.3.1.2), so pass <paramref name="isRetransmission"/> for a repeat.
    /// </summary>
    public byte NextFirSequenceNumber(bool isRetransmission = false)
    {
        if (!isRetransmission)
        {
            _firSequenceNumber++;
        }

        return _firSequenceNumber;
    }

    /// <summary>True when nothing was forwarded yet, or <paramref name="intervalMilliseconds"/> passed since.</summary>
    private bool ElapsedSinceForward(long nowMilliseconds, int intervalMilliseconds) =>
        !_hasForwarded || nowMilliseconds - _lastForwardedAtMilliseconds >= intervalMilliseconds;

    private void Forward(long nowMilliseconds)
    {
        _hasForwarded = true;
        _lastForwardedAtMilliseconds = nowMilliseconds;
        IsPending = false;
        ForwardedCount++;
    }
}
