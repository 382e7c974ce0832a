using Parley.Media.Allocation;
using Parley.Media.Routing;

namespace Parley.Media.Transports;

/// <summary>
/// A transport's bandwidth shared among its consumers: what audio and single-stream video send is taken off the top
/// (retransmissions from what is left after the lowest layers), and the rest goes to the layered consumers (simulcast and SVC, <see cref="ILayerAllocatedConsumer"/>)
/// through a <see cref="BitrateAllocator"/> (by priority, with hysteresis), each (spatial, temporal) layer costed at
/// what its producer stream brings in for it now. A consumer takes the lower of its allocation and its preference; one
/// allocated nothing stops forwarding until bandwidth returns. Only sending consumers take part: one paused (or whose
/// producer is) leaves the allocator and joins afresh on resume, so it is not held back by the upgrade hold time.
/// Worker thread only; no allocation per run.
/// </summary>
internal sealed class ConsumerBitrateAllocation
{
    private readonly BitrateAllocator _allocator = new(AllocatorOptions.Default);
    private readonly List<Entry> _layered = [];
    private readonly List<Consumer> _fixed = [];
    private long _nextId;

    public void Add(Consumer consumer)
    {
        if (consumer is ILayerAllocatedConsumer layered)
        {
            _layered.Add(new Entry(consumer, layered, _nextId++));
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
    /// Shares <paramref name="availableBitrate"/>; <paramref name="reservedBitrate"/> is costed against the
    /// layers above each consumer's lowest (see <see cref="BitrateAllocator.Allocate"/>). Returns what the consumers
    /// would use at their preferred layers (what probing aims at).
    /// </summary>
    public long Run(long availableBitrate, long reservedBitrate, long nowMs, long nowMicroseconds, int inactivityMs)
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

        _allocator.Allocate(availableBitrate, fixedBitrate, nowMicroseconds, reservedBitrate);
        // Pushed every run, not only on a change: a consumer that just joined may hold an allocation from before. One
        // whose producer sends nothing yet is not limited: "nothing" would be no bandwidth decision, and the first
        // stream to arrive must be forwarded at once.
        foreach (var entry in _layered)
        {
            if (entry.Allocated is { } allocated)
            {
                entry.Layered.SetAllocatedLayer(entry.AnyReceiving ? allocated.Current : null);
            }
        }

        return _allocator.DesiredBitrate(fixedBitrate);
    }

    /// <summary>The layer the last run gave <paramref name="consumer"/>; null when it takes no part (inactive, not layered).</summary>
    public VideoLayer? AllocatedLayer(Consumer consumer)
    {
        foreach (var entry in _layered)
        {
            if (entry.Consumer == consumer)
            {
                return entry.Allocated?.Current;
            }
        }

        return null;
    }

    /// <summary>No estimate (no transport-cc, no REMB): every consumer follows its preference alone.</summary>
    public void Lift()
    {
        foreach (var entry in _layered)
        {
            entry.Layered.SetAllocatedLayer(null);
        }
    }

    private sealed class Entry(Consumer consumer, ILayerAllocatedConsumer layered, long id)
    {
        public Consumer Consumer { get; } = consumer;

        public ILayerAllocatedConsumer Layered { get; } = layered;

        public AllocatedConsumer? Allocated { get; private set; }

        /// <summary>True when some layer of the producer is received.</summary>
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
                Allocated = new AllocatedConsumer(id, new LayerBitrates(Layered.SpatialLayerCount, Layered.TemporalLayerCount), Consumer.Priority);
                allocator.Add(Allocated);
            }

            AnyReceiving = Layered.MeasureLayerCosts(Allocated.Layers, nowMs, inactivityMs);
            Allocated.Priority = Consumer.Priority;
            var preferred = Layered.PreferredLayer;
            Allocated.PreferredMax = new VideoLayer(
                Math.Min(preferred.Spatial, Layered.SpatialLayerCount - 1), Math.Min(preferred.Temporal, Layered.TemporalLayerCount - 1));
        }
    }
}
