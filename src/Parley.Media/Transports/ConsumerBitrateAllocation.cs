using Parley.Media.Allocation;
using Parley.Media.Routing;

namespace Parley.Media.Transports;

/// <summary>
/// A transport's bandwidth shared among its consumers: what audio, single-stream video and retransmissions send is
/// taken off the top, and the rest goes to the simulcast consumers through a <see cref="BitrateAllocator"/> (by
/// priority, with hysteresis), each layer costed at what its producer stream brings in now. A consumer takes the
/// lower of its allocation and its preference; one allocated nothing stops forwarding until bandwidth returns. Only
/// sending consumers take part: one paused (or whose producer is) leaves the allocator and joins afresh on resume,
/// so it is not held back by the upgrade hold time. Worker thread only; no allocation per run.
/// </summary>
internal sealed class ConsumerBitrateAllocation
{
    /// <summary>A layer that is received but not yet measured costs this much (a start, not a free ride).</summary>
    private const long UnmeasuredLayerCost = 1;

    private readonly BitrateAllocator _allocator = new(AllocatorOptions.Default);
    private readonly List<Entry> _layered = [];
    private readonly List<Consumer> _fixed = [];
    private long _nextId;

    public void Add(Consumer consumer)
    {
        if (consumer is SimulcastConsumer simulcast)
        {
            _layered.Add(new Entry(simulcast, _nextId++));
        }
        else
        {
            _fixed.Add(consumer);
        }
    }

    public void Remove(Consumer consumer)
    {
        _fixed.Remove(consumer);
        for (var i = 0; i < _layered.Count; i++)
        {
            if (_layered[i].Consumer == consumer)
            {
                if (_layered[i].Allocated is { } allocated)
                {
                    _allocator.Remove(allocated);
                }

                _layered.RemoveAt(i);
                return;
            }
        }
    }

    /// <summary>
    /// Shares <paramref name="availableBitrate"/> less <paramref name="retransmissionBitrate"/>; returns what the
    /// consumers would use at their preferred layers (what probing aims at).
    /// </summary>
    public long Run(long availableBitrate, long retransmissionBitrate, long nowMs, long nowMicroseconds, int inactivityMs)
    {
        long fixedBitrate = 0;
        foreach (var consumer in _fixed)
        {
            if (consumer.IsActive)
            {
                fixedBitrate += consumer.SendBitrate(nowMs);
            }
        }

        foreach (var entry in _layered)
        {
            entry.Update(_allocator, nowMs, inactivityMs);
        }

        _allocator.Allocate(availableBitrate, fixedBitrate + retransmissionBitrate, nowMicroseconds);
        // Pushed every run, not only on a change: a consumer that just joined may hold an allocation from before. One
        // whose producer sends nothing yet is not limited: "nothing" would be no bandwidth decision, and the first
        // stream to arrive must be forwarded at once.
        foreach (var entry in _layered)
        {
            if (entry.Allocated is { } allocated)
            {
                entry.Consumer.SetAllocatedLayer(!entry.AnyReceiving ? null : allocated.Current.IsNone ? -1 : allocated.Current.Spatial);
            }
        }

        return _allocator.DesiredBitrate(fixedBitrate);
    }

    /// <summary>No estimate (no transport-cc, no REMB): every consumer follows its preference alone.</summary>
    public void Lift()
    {
        foreach (var entry in _layered)
        {
            entry.Consumer.SetAllocatedLayer(null);
        }
    }

    private sealed class Entry(SimulcastConsumer consumer, long id)
    {
        public SimulcastConsumer Consumer { get; } = consumer;

        public AllocatedConsumer? Allocated { get; private set; }

        /// <summary>True when at least one of the producer's streams is received.</summary>
        public bool AnyReceiving { get; private set; }

        /// <summary>Joins or leaves the allocator with the consumer's activity; refreshes layer costs, preference and priority.</summary>
        public void Update(BitrateAllocator allocator, long nowMs, int inactivityMs)
        {
            if (!Consumer.IsActive)
            {
                if (Allocated is not null)
                {
                    allocator.Remove(Allocated);
                    Allocated = null;
                }

                return;
            }

            if (Allocated is null)
            {
                Allocated = new AllocatedConsumer(id, new LayerBitrates(Consumer.SpatialLayerCount, 1), Consumer.Priority);
                allocator.Add(Allocated);
            }

            var streams = Consumer.Producer.Streams;
            AnyReceiving = false;
            for (var s = 0; s < streams.Count; s++)
            {
                var stream = streams[s];
                var receiving = stream.IsReceiving(nowMs, inactivityMs);
                AnyReceiving |= receiving;
                Allocated.Layers[s, 0] = receiving ? Math.Max(UnmeasuredLayerCost, stream.GetBitrate(nowMs)) : 0;
            }

            Allocated.Priority = Consumer.Priority;
            Allocated.PreferredMax = new VideoLayer(Math.Min(Consumer.PreferredSpatialLayer, streams.Count - 1), 0);
        }
    }
}
