namespace Parley.Media.Allocation;

/// <summary>
/// Shares a transport's available bitrate among its video consumers: audio is taken off the top (never starved);
/// then, by priority (screen share, active speaker, others; equal priorities in the order added), each consumer
/// first gets its lowest layer if it fits — those that get nothing are paused — and then, in the same order, the
/// highest layer (spatial, then temporal) that fits in what is left and that its preference allows. Layers are steps
/// in that order (S0T0 &lt; S0T1 &lt; S0T2 &lt; S1T0 ...), each costed cumulatively, so a tight estimate keeps S1T0
/// rather than falling to S0 (as mediasoup and LiveKit order them). Lowering a layer needs only that it does not fit;
/// keeping one tolerates a small deficit for a moment (measurement noise); raising one or resuming needs headroom
/// and the layer held for the consumer's hold time, which doubles after an upgrade that did not last; raising a
/// consumer's spatial layer also needs the new layer's keyframe to cross the link quickly. No allocation per run.
/// </summary>
internal sealed class BitrateAllocator
{
    private const long MicrosecondsPerSecond = 1_000_000;
    private const long FallenLinkFactor = 4;
    private readonly AllocatorOptions _options;
    private readonly List<AllocatedConsumer> _consumers = [];
    private AllocatedConsumer[] _ordered = [];
    private long _nextOrder;

    public BitrateAllocator(AllocatorOptions options)
    {
        if (options.UpgradeHeadroom < 0 || options.MinHoldMicroseconds < 0 || options.MaxHoldMicroseconds < options.MinHoldMicroseconds
            || options.FailedUpgradeMicroseconds < 0 || options.DeficitTolerance < 0 || options.DeficitGraceMicroseconds < 0
            || options.RecoveredEstimateFactor < 1 || options.KeyFrameDrainMicroseconds <= 0 || options.SpatialUpgradeHeadroom < 0 || options.SwitchSettleMicroseconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options));
        }

        _options = options;
    }

    public int Count => _consumers.Count;

    /// <summary>Video bitrate that was not given to any consumer at the last run.</summary>
    public long Unallocated { get; private set; }

    public void Add(AllocatedConsumer consumer)
    {
        consumer.Order = _nextOrder++;
        consumer.Hold = _options.MinHoldMicroseconds;
        _consumers.Add(consumer);
        if (_ordered.Length < _consumers.Count)
        {
            Array.Resize(ref _ordered, Math.Max(4, _ordered.Length * 2));
        }

        _ordered[_consumers.Count - 1] = consumer;
    }

    public bool Remove(AllocatedConsumer consumer)
    {
        var index = Array.IndexOf(_ordered, consumer, 0, _consumers.Count);
        if (index < 0)
        {
            return false;
        }

        Array.Copy(_ordered, index + 1, _ordered, index, _consumers.Count - index - 1);
        _ordered[_consumers.Count - 1] = null!;
        return _consumers.Remove(consumer);
    }

    /// <summary>
    /// What the consumers would use at their preferred layers, with the upgrade headroom, plus
    /// <paramref name="audioBitrate"/>: the rate worth probing for.
    /// </summary>
    public long DesiredBitrate(long audioBitrate)
    {
        long total = 0;
        foreach (var consumer in _consumers)
        {
            var best = Highest(consumer, consumer.PreferredMax);
            total += (long)(consumer.Layers[best] * (1 + HeadroomFor(consumer, best)));
        }

        return total + audioBitrate;
    }

    /// <summary>
    /// Allocates <paramref name="availableBitrate"/> (the transport's estimate) minus <paramref name="audioBitrate"/>;
    /// returns how many consumers changed layer (see <see cref="AllocatedConsumer.Changed"/>).
    /// <paramref name="reservedBitrate"/> (what resends take now, and what a queue the link filled needs to drain) is
    /// costed against the layers above the lowest, not against the lowest: both peak right after a link drops, exactly
    /// when the estimate is tight, and taking them off first would pause a consumer the estimate still carries at its
    /// lowest layer.
    /// </summary>
    public int Allocate(long availableBitrate, long audioBitrate, long nowMicroseconds, long reservedBitrate = 0)
    {
        var count = Sort();
        var remaining = Math.Max(0, availableBitrate - audioBitrate);

        for (var i = 0; i < count; i++)
        {
            var consumer = _ordered[i];
            var lowest = Lowest(consumer);
            var cost = consumer.Layers[lowest];
            var fits = !lowest.IsNone && (consumer.Paused ? CanRaise(consumer, cost, remaining, nowMicroseconds, _options.UpgradeHeadroom) : cost <= remaining);
            consumer.Tentative = fits ? lowest : VideoLayer.None;
            remaining -= fits ? cost : 0;
        }

        remaining -= Math.Max(0, reservedBitrate);

        for (var i = 0; i < count; i++)
        {
            var consumer = _ordered[i];
            if (consumer.Tentative.IsNone)
            {
                consumer.TentativeAvailable = Math.Max(0, remaining);
                continue;
            }

            var baseCost = consumer.Layers[consumer.Tentative];
            consumer.TentativeAvailable = remaining + baseCost;
            var max = consumer.PreferredMax;
            var inDeficit = false;
            for (var s = Math.Min(max.Spatial, consumer.Layers.SpatialLayers - 1); s >= 0; s--)
            {
                var chosen = false;
                for (var t = Math.Min(max.Temporal, consumer.Layers.TemporalLayers - 1); t >= 0; t--)
                {
                    var candidate = new VideoLayer(s, t);
                    var cost = candidate == consumer.Current ? CostKept(consumer, nowMicroseconds) : consumer.Layers[candidate];
                    if (cost == 0 || candidate <= consumer.Tentative || TradesFrameRateForSize(consumer, candidate, remaining + baseCost))
                    {
                        continue;
                    }

                    var extra = cost - baseCost;
                    bool allowed;
                    if (candidate == consumer.Current && extra > remaining)
                    {
                        allowed = Tolerates(consumer, cost, extra - remaining, nowMicroseconds);
                        inDeficit = allowed;
                    }
                    else
                    {
                        allowed = candidate <= consumer.Current
                            ? extra <= remaining
                            : CanRaise(consumer, cost, remaining + baseCost, nowMicroseconds, HeadroomFor(consumer, candidate))
                                && KeyFrameCrossesInTime(consumer, candidate, remaining + baseCost);
                    }

                    if (allowed)
                    {
                        consumer.Tentative = candidate;
                        remaining -= extra;
                        chosen = true;
                        break;
                    }
                }

                if (chosen)
                {
                    break;
                }
            }

            consumer.DeficitSince = !inDeficit ? long.MinValue : consumer.DeficitSince == long.MinValue ? nowMicroseconds : consumer.DeficitSince;
        }

        var changed = 0;
        for (var i = 0; i < count; i++)
        {
            var consumer = _ordered[i];
            consumer.Changed = consumer.Tentative != consumer.Current;
            if (consumer.Changed)
            {
                UpdateHold(consumer, nowMicroseconds);
                consumer.Previous = consumer.Current;
                consumer.Current = consumer.Tentative;
                consumer.LastChange = nowMicroseconds;
                changed++;
            }
        }

        Unallocated = Math.Max(0, remaining);
        return changed;
    }

    private bool CanRaise(AllocatedConsumer consumer, long cost, long available, long now, double headroom) =>
        cost * (1 + headroom) <= available
        && (consumer.LastChange == long.MinValue || now - consumer.LastChange >= HoldAt(consumer, available));

    /// <summary>
    /// What the layer a consumer forwards costs when deciding whether to keep it: for
    /// <see cref="AllocatorOptions.SwitchSettleMicroseconds"/> after an upgrade from a layer it forwarded, no more than
    /// when it was chosen (when that was measured). The switch itself makes the new layer's rate jump (its keyframe,
    /// and a sender's encoder after a requested keyframe: the browser bench's 1280 px stream tripled its packet rate for
    /// half a second), and costed at that, the layer was lowered again 0.6 s after it was chosen, with the estimate
    /// unchanged and the link carrying it — a freeze while the old stream's keyframe came back. A link that does not
    /// carry the layer lowers the estimate, and that lowers the layer.
    /// </summary>
    private long CostKept(AllocatedConsumer consumer, long now)
    {
        var cost = consumer.Layers[consumer.Current];
        return consumer.LastUpgrade != long.MinValue && now - consumer.LastUpgrade < _options.SwitchSettleMicroseconds
            && consumer.UpgradeCost > LayerBitrates.Unmeasured
            ? Math.Min(cost, consumer.UpgradeCost)
            : cost;
    }

    /// <summary>
    /// The headroom an upgrade to <paramref name="candidate"/> needs: more for a spatial step of a consumer that forwards a
    /// picture. A temporal step adds frames of the stream forwarded, and a failed one costs nothing but the dropped layer.
    /// A spatial step starts with the new stream's keyframe, after which the sender's encoder runs well above the
    /// stream's average for a couple of seconds (the browser bench: 1280 px at its base temporal layer, costed at
    /// 172 kbit/s when chosen at 310 kbit/s, ran at 280–350 kbit/s for 2 s and overflowed the 300 kbit/s link; with 30 %
    /// and 50 % headroom it was still tried), and a failed one needs a keyframe of the old stream, which the picture
    /// waits for (up to 1.4 s in the bench).
    /// </summary>
    private double HeadroomFor(AllocatedConsumer consumer, VideoLayer candidate) =>
        IsSpatialStep(consumer, candidate) ? _options.SpatialUpgradeHeadroom : _options.UpgradeHeadroom;

    /// <summary>
    /// A spatial step that would cut the frame rate shown to a quarter or less (two temporal layers down, e.g. 640 px at
    /// 30 fps to 1280 px at 7.5 fps) while <paramref name="available"/> could not carry the larger layer at the frame
    /// rate shown now: no upgrade of a camera's picture but a trade, kept for good. The consumer keeps its layer until
    /// the larger one fits at half the frame rate or more, or the estimate covers it at the full rate (a restored link:
    /// the base layer first, the temporal layers follow). Once the browser bench's estimate sat at 90 % of a 0.8 Mbit/s
    /// link, 1280 px at its base temporal layer (380 kbit/s, twice that with the spatial headroom) was chosen over
    /// 640 px at full rate, and failed twice in 40 s: its keyframe and larger base-layer frames overflowed the link. A
    /// shared screen is exempt: its text needs the resolution more than the motion needs frames.
    /// </summary>
    private static bool TradesFrameRateForSize(AllocatedConsumer consumer, VideoLayer candidate, long available) =>
        IsSpatialStep(consumer, candidate)
        && consumer.Priority != ConsumerPriority.ScreenShare
        && candidate.Temporal < consumer.Current.Temporal - 1
        && consumer.Layers[new VideoLayer(candidate.Spatial, consumer.Current.Temporal)] > available;

    /// <summary>
    /// A move to a higher spatial layer of a consumer that forwards a picture: the receiver goes on seeing the old
    /// picture until the new layer's keyframe. A first layer and a resume are not (any layer's keyframe ends the wait).
    /// </summary>
    private static bool IsSpatialStep(AllocatedConsumer consumer, VideoLayer candidate) =>
        !consumer.Current.IsNone && candidate.Spatial > consumer.Current.Spatial;

    /// <summary>
    /// A spatial step (see <see cref="IsSpatialStep"/>) is taken only when the new layer's last keyframe (the switch
    /// starts with it, several of the layer's delta frames in size) crosses the link at <paramref name="available"/>
    /// within <see cref="AllocatorOptions.KeyFrameDrainMicroseconds"/>; longer, and the receiver's picture freezes while
    /// it arrives (a real 720p camera's keyframe of 30–80 KB takes 1–2 s at 300 kbit/s; the bench's fake camera makes
    /// 1–4 KB). A layer whose keyframe size is not known yet is not held back by it.
    /// </summary>
    private bool KeyFrameCrossesInTime(AllocatedConsumer consumer, VideoLayer candidate, long available) =>
        !IsSpatialStep(consumer, candidate)
        || consumer.Layers.GetKeyFrameBits(candidate.Spatial) * (double)MicrosecondsPerSecond <= available * (double)_options.KeyFrameDrainMicroseconds;

    /// <summary>
    /// The hold before an upgrade: the lengthened one while the estimate is about where upgrades failed, the minimum
    /// once it is well above that (a probe found a link that was restored: the failures at the old level say nothing
    /// about it, and waiting out a hold doubled at 300 kbit/s kept a consumer low for 16 s on a 3 Mbit/s link).
    /// </summary>
    private long HoldAt(AllocatedConsumer consumer, long available) =>
        consumer.FailedUpgradeAvailable > 0 && available >= consumer.FailedUpgradeAvailable * _options.RecoveredEstimateFactor
            ? Math.Min(consumer.Hold, _options.MinHoldMicroseconds)
            : consumer.Hold;

    /// <summary>A layer kept that costs <paramref name="deficit"/> more than is left: within the tolerance, for the grace time.</summary>
    private bool Tolerates(AllocatedConsumer consumer, long cost, long deficit, long now) =>
        deficit <= cost * _options.DeficitTolerance
        && (consumer.DeficitSince == long.MinValue || now - consumer.DeficitSince < _options.DeficitGraceMicroseconds);

    /// <summary>
    /// A downgrade with what is available under a quarter of what the upgrade was chosen at: the link fell, the layer
    /// did not fail on it (an upgrade the link could not carry cuts the estimate to about 0.85 × the link, which the
    /// upgrade's estimate exceeded by less than that). Counted as failed, the browser bench's step from 3 to 0.3 Mbit/s
    /// 9 s after the top layer came back doubled the hold each time, and after the link was restored the consumer waited
    /// 16 s at 640 px before the next step up.
    /// </summary>
    private static bool LinkFellAway(AllocatedConsumer consumer) =>
        consumer.TentativeAvailable * FallenLinkFactor < consumer.UpgradeAvailable;

    /// <summary>
    /// An upgrade starts the failed-upgrade clock; the first downgrade soon after doubles the hold (the estimate cannot
    /// carry the layer after all: trying again soon would oscillate) unless the link fell away under it (see
    /// <see cref="LinkFellAway"/>), further downgrades before the next upgrade leave
    /// it (one failure, however many steps down), and a downgrade after an upgrade that lasted starts over from the
    /// minimum.
    /// </summary>
    private void UpdateHold(AllocatedConsumer consumer, long now)
    {
        if (consumer.Tentative > consumer.Current)
        {
            consumer.LastUpgrade = now;
            consumer.UpgradeAvailable = consumer.TentativeAvailable;
            // A first layer or a resume is not a switch from a picture; its cost may not be measured yet (a new producer).
            consumer.UpgradeCost = consumer.Current.IsNone ? 0 : consumer.Layers[consumer.Tentative];
            return;
        }

        if (consumer.LastUpgrade == long.MinValue)
        {
            return;
        }

        var failed = now - consumer.LastUpgrade < _options.FailedUpgradeMicroseconds && !LinkFellAway(consumer);
        consumer.Hold = failed ? Math.Min(_options.MaxHoldMicroseconds, Math.Max(1, consumer.Hold) * 2) : _options.MinHoldMicroseconds;
        consumer.FailedUpgradeAvailable = failed ? consumer.UpgradeAvailable : 0;
        consumer.LastUpgrade = long.MinValue;
    }

    private static VideoLayer Lowest(AllocatedConsumer consumer)
    {
        for (var s = 0; s < consumer.Layers.SpatialLayers && s <= consumer.PreferredMax.Spatial; s++)
        {
            for (var t = 0; t < consumer.Layers.TemporalLayers; t++)
            {
                if (consumer.Layers[s, t] > 0)
                {
                    return new VideoLayer(s, t);
                }
            }
        }

        return VideoLayer.None;
    }

    private static VideoLayer Highest(AllocatedConsumer consumer, VideoLayer max)
    {
        for (var s = Math.Min(max.Spatial, consumer.Layers.SpatialLayers - 1); s >= 0; s--)
        {
            for (var t = Math.Min(max.Temporal, consumer.Layers.TemporalLayers - 1); t >= 0; t--)
            {
                if (consumer.Layers[s, t] > 0)
                {
                    return new VideoLayer(s, t);
                }
            }
        }

        return VideoLayer.None;
    }

    // Insertion sort in place: the order is kept between runs and changes only with a priority, so a run over an
    // ordered array costs one comparison per consumer.
    private int Sort()
    {
        var count = _consumers.Count;
        for (var i = 1; i < count; i++)
        {
            var consumer = _ordered[i];
            var j = i - 1;
            while (j >= 0 && Before(consumer, _ordered[j]))
            {
                _ordered[j + 1] = _ordered[j];
                j--;
            }

            _ordered[j + 1] = consumer;
        }

        return count;
    }

    private static bool Before(AllocatedConsumer a, AllocatedConsumer b) =>
        a.Priority != b.Priority ? a.Priority < b.Priority : a.Order < b.Order;
}
