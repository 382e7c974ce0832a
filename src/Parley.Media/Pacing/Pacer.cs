using Parley.Media.Bwe;

namespace Parley.Media.Pacing;

/// <summary>
/// A leaky-bucket pacer: a byte budget fills at the pacing rate and each send spends it (going into debt for the
/// packet that crosses zero), so bursts (keyframes) leave at the rate instead of tripping the delay-based estimate.
/// Classes are served by priority: audio at once, then retransmissions, then video, then padding. When the oldest
/// queued packet nears the queue-time limit the rate rises to drain the queue in time. A probe cluster raises the
/// rate to its target and tags what is sent, padding when nothing is queued, until its packets and bytes are out.
/// Driven by explicit timestamps: the caller asks <see cref="TryGetNext"/> and sleeps until <see cref="NextSendTime"/>.
/// A packet whose class and every higher class are empty may skip the queue while there is budget
/// (<see cref="TryPassThrough"/>), so a paced transport copies a packet only when it really has to wait.
/// </summary>
internal sealed class Pacer
{
    private readonly PacerOptions _options;
    private readonly PacketQueue _audio;
    private readonly PacketQueue _retransmission;
    private readonly PacketQueue _video;
    private long _pacingBitrate;
    private long _paddingBitrate;
    private long _budgetBits;
    private long _paddingBudgetBits;
    private long _lastRefill = long.MinValue;
    private ProbeCluster _probe;
    private bool _probing;
    private int _probePackets;
    private long _probeBytes;

    public Pacer(PacerOptions options, long pacingBitrate)
    {
        if (options.QueueCapacity <= 0 || options.MaxPaddingSize <= 0 || options.MaxBurstMicroseconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options));
        }

        _options = options;
        _audio = new PacketQueue(options.QueueCapacity);
        _retransmission = new PacketQueue(options.QueueCapacity);
        _video = new PacketQueue(options.QueueCapacity);
        SetPacingBitrate(pacingBitrate);
    }

    /// <summary>Packets refused because their class queue was full.</summary>
    public long Refused { get; private set; }

    /// <summary>Queued packets dropped by <see cref="TryDropExpired"/> (they waited past the queue-time limit).</summary>
    public long Expired { get; private set; }

    public long QueuedBytes => _audio.Bytes + _retransmission.Bytes + _video.Bytes;

    public int QueuedPackets => _audio.Count + _retransmission.Count + _video.Count;

    /// <summary>How long the oldest queued packet has waited at <paramref name="nowMicroseconds"/>; 0 when none waits.</summary>
    public long OldestQueueTime(long nowMicroseconds)
    {
        var oldest = long.MaxValue;
        foreach (var queue in (ReadOnlySpan<PacketQueue>)[_audio, _retransmission, _video])
        {
            if (queue.Count > 0)
            {
                oldest = Math.Min(oldest, queue.OldestEnqueuedAt);
            }
        }

        return oldest == long.MaxValue ? 0 : Math.Max(0, nowMicroseconds - oldest);
    }

    public bool Probing => _probing;

    /// <summary>Sets the rate media is paced at (typically a multiple of the target, e.g. 2.5×).</summary>
    public void SetPacingBitrate(long bitsPerSecond) => _pacingBitrate = Math.Max(1, bitsPerSecond);

    /// <summary>Sets the rate of padding sent while the queues are empty (0: none).</summary>
    public void SetPaddingBitrate(long bitsPerSecond) => _paddingBitrate = Math.Max(0, bitsPerSecond);

    /// <summary>Starts sending <paramref name="cluster"/> at <paramref name="nowMicroseconds"/>; a cluster already running is abandoned.</summary>
    public void StartProbe(in ProbeCluster cluster, long nowMicroseconds)
    {
        // A cluster starts without the credit saved while idle (taken first, then dropped; its first packet leaves at
        // once, the rest at its rate): spent at once, the credit sent
        // the first packets of a fast cluster together (the burst allowance at the probe's rate), whose measured send
        // interval then shrank to little or nothing and whose result was an overestimate or discarded as invalid.
        Refill(nowMicroseconds);
        _budgetBits = Math.Min(_budgetBits, 1);
        _probe = cluster;
        _probing = true;
        _probePackets = 0;
        _probeBytes = 0;
    }

    /// <summary>Abandons the running probe cluster (nothing could be sent for it).</summary>
    public void StopProbe() => _probing = false;

    /// <summary>
    /// True when a packet of <paramref name="priority"/> may leave now without queueing: audio always; a retransmission
    /// or video packet while nothing of its class or a higher one waits and the budget is positive. Its bytes are
    /// spent and <paramref name="probeClusterId"/> tags it when a probe runs, as if it had been queued and sent.
    /// </summary>
    public bool TryPassThrough(PacketPriority priority, int size, long nowMicroseconds, out int probeClusterId)
    {
        probeClusterId = ProbeCluster.None;
        Refill(nowMicroseconds);
        if (priority == PacketPriority.Audio)
        {
            _budgetBits -= size * 8L;
            return true;
        }

        if (_budgetBits <= 0 || _retransmission.Count > 0 || (priority == PacketPriority.Video && _video.Count > 0))
        {
            return false;
        }

        _budgetBits -= size * 8L;
        probeClusterId = ProbeTag(size);
        return true;
    }

    /// <summary>
    /// Takes the oldest retransmission or video packet out unsent when it has waited longer than the queue-time limit
    /// (late media is worthless); call until false. Its bytes are not spent.
    /// </summary>
    public bool TryDropExpired(long nowMicroseconds, out long packetId)
    {
        return TryDropHead(_retransmission, nowMicroseconds, out packetId) || TryDropHead(_video, nowMicroseconds, out packetId);
    }

    /// <summary>
    /// Takes the queued retransmission and video packets <paramref name="picker"/> picks out unsent (superseded: a stream
    /// switched at a keyframe, so nothing queued before it is of use); their bytes are not spent. Returns how many.
    /// </summary>
    public int Discard<TPicker>(ref TPicker picker)
        where TPicker : struct, IQueuedPacketPicker =>
        _retransmission.Discard(ref picker) + _video.Discard(ref picker);

    private bool TryDropHead(PacketQueue queue, long now, out long packetId)
    {
        if (queue.Count > 0 && now - queue.OldestEnqueuedAt > _options.MaxQueueTimeMicroseconds)
        {
            packetId = queue.Dequeue().Id;
            Expired++;
            return true;
        }

        packetId = -1;
        return false;
    }

    /// <summary>
    /// The caller sent <paramref name="size"/> bytes for a padding decision of <see cref="TryGetNext"/> (probe packets
    /// are whatever recent packet fits, so their size is the caller's): the bytes are spent and count toward the probe.
    /// 0 means nothing could be sent: the probe is abandoned and idle padding waits for its next budget.
    /// </summary>
    public void OnPaddingSent(int size)
    {
        if (size <= 0)
        {
            _probing = false;
            _paddingBudgetBits = Math.Min(_paddingBudgetBits, 0);
            return;
        }

        _budgetBits -= size * 8L;
        if (_probing)
        {
            ProbeTag(size);
        }
        else
        {
            _paddingBudgetBits -= size * 8L;
        }
    }

    /// <summary>Queues a packet; false (and counted) when its class is full. Padding cannot be queued.</summary>
    public bool TryEnqueue(PacketPriority priority, long packetId, int size, long nowMicroseconds)
    {
        var queue = QueueFor(priority);
        if (queue is null || size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(priority));
        }

        if (!queue.TryEnqueue(packetId, size, nowMicroseconds))
        {
            Refused++;
            return false;
        }

        return true;
    }

    /// <summary>
    /// The next send due at <paramref name="nowMicroseconds"/>, if any. Call until false. A padding decision is a request
    /// (its size the most wanted): report what was sent with <see cref="OnPaddingSent"/> before asking again.
    /// </summary>
    public bool TryGetNext(long nowMicroseconds, out PacerDecision decision)
    {
        Refill(nowMicroseconds);
        if (_audio.Count > 0)
        {
            return Send(_audio, PacketPriority.Audio, out decision);
        }

        if (_budgetBits <= 0)
        {
            decision = default;
            return false;
        }

        if (_retransmission.Count > 0)
        {
            return Send(_retransmission, PacketPriority.Retransmission, out decision);
        }

        if (_video.Count > 0)
        {
            return Send(_video, PacketPriority.Video, out decision);
        }

        if (_probing)
        {
            // Even sizes over the cluster's packets: a large first packet followed by small ones makes the receive
            // rate (bytes but the first over the arrival interval) read far under what the link carried.
            var size = (int)Math.Clamp((_probe.MinBytes + _probe.MinPackets - 1) / _probe.MinPackets, 200, _options.MaxPaddingSize);
            decision = new PacerDecision(-1, size, PacketPriority.Padding, _probe.Id);
            return true;
        }

        if (_paddingBitrate > 0 && _paddingBudgetBits > 0)
        {
            var size = (int)Math.Min(_options.MaxPaddingSize, Math.Max(1, _paddingBudgetBits / 8));
            decision = new PacerDecision(-1, size, PacketPriority.Padding, ProbeCluster.None);
            return true;
        }

        decision = default;
        return false;
    }

    /// <summary>When <see cref="TryGetNext"/> will next have something; <see cref="long.MaxValue"/> when idle.</summary>
    public long NextSendTime(long nowMicroseconds)
    {
        Refill(nowMicroseconds);
        if (_audio.Count > 0)
        {
            return nowMicroseconds;
        }

        var pending = _retransmission.Count > 0 || _video.Count > 0 || _probing;
        if (!pending && _paddingBitrate == 0)
        {
            return long.MaxValue;
        }

        if (_budgetBits > 0 && (pending || _paddingBudgetBits > 0))
        {
            return nowMicroseconds;
        }

        var rate = pending ? CurrentRate(nowMicroseconds) : Math.Min(_pacingBitrate, _paddingBitrate);
        var bitsNeeded = Math.Max(1 - _budgetBits, pending ? 1 : 1 - _paddingBudgetBits);
        return nowMicroseconds + Math.Max(1, (bitsNeeded * 1_000_000 + rate - 1) / rate);
    }

    private PacketQueue? QueueFor(PacketPriority priority) => priority switch
    {
        PacketPriority.Audio => _audio,
        PacketPriority.Retransmission => _retransmission,
        PacketPriority.Video => _video,
        _ => null,
    };

    private bool Send(PacketQueue queue, PacketPriority priority, out PacerDecision decision)
    {
        var (id, size) = queue.Dequeue();
        _budgetBits -= size * 8L;
        decision = new PacerDecision(id, size, priority, priority == PacketPriority.Audio ? ProbeCluster.None : ProbeTag(size));
        return true;
    }

    private int ProbeTag(int size)
    {
        if (!_probing)
        {
            return ProbeCluster.None;
        }

        var id = _probe.Id;
        _probePackets++;
        _probeBytes += size;
        if (_probePackets >= _probe.MinPackets && _probeBytes >= _probe.MinBytes)
        {
            _probing = false;
        }

        return id;
    }

    private long CurrentRate(long now)
    {
        var rate = _pacingBitrate;
        if (_probing)
        {
            rate = Math.Max(rate, _probe.TargetBitrate);
        }

        var waiting = _retransmission.Bytes + _video.Bytes;
        if (waiting > 0)
        {
            var oldest = Math.Min(
                _retransmission.Count > 0 ? _retransmission.OldestEnqueuedAt : long.MaxValue,
                _video.Count > 0 ? _video.OldestEnqueuedAt : long.MaxValue);
            var remaining = Math.Max(1_000, _options.MaxQueueTimeMicroseconds - (now - oldest));
            rate = Math.Max(rate, waiting * 8 * 1_000_000 / remaining);
        }

        return rate;
    }

    private void Refill(long now)
    {
        if (_lastRefill == long.MinValue)
        {
            // A fresh pacer may send one burst's worth at once.
            _lastRefill = now;
            _budgetBits = Math.Max(_pacingBitrate * _options.MaxBurstMicroseconds / 1_000_000, 1);
            return;
        }

        if (now <= _lastRefill)
        {
            return;
        }

        var elapsed = now - _lastRefill;
        _lastRefill = now;
        var rate = CurrentRate(now);
        var cap = Math.Max(rate * _options.MaxBurstMicroseconds / 1_000_000, 1);
        _budgetBits = Math.Min(_budgetBits + (rate * elapsed / 1_000_000), cap);
        var paddingCap = Math.Max(_paddingBitrate * _options.MaxBurstMicroseconds / 1_000_000, 0);
        _paddingBudgetBits = Math.Min(_paddingBudgetBits + (_paddingBitrate * elapsed / 1_000_000), paddingCap);
    }
}
