namespace Parley.Media.Pacing;

/// <summary>A fixed-capacity FIFO of queued packet descriptors for one pacer class.</summary>
internal sealed class PacketQueue
{
    private readonly Entry[] _entries;
    private int _head;

    public PacketQueue(int capacity)
    {
        _entries = new Entry[capacity];
    }

    public int Count { get; private set; }

    public long Bytes { get; private set; }

    public long OldestEnqueuedAt => _entries[_head].EnqueuedAt;

    public int PeekSize => _entries[_head].Size;

    public bool TryEnqueue(long id, int size, long now)
    {
        if (Count == _entries.Length)
        {
            return false;
        }

        _entries[(_head + Count) % _entries.Length] = new Entry(id, size, now);
        Count++;
        Bytes += size;
        return true;
    }

    public (long Id, int Size) Dequeue()
    {
        var entry = _entries[_head];
        _head = (_head + 1) % _entries.Length;
        Count--;
        Bytes -= entry.Size;
        return (entry.Id, entry.Size);
    }

    /// <summary>
    /// Takes out every entry <paramref name="picker"/> picks, keeping the others in order; returns how many. No allocation.
    /// </summary>
    public int Discard<TPicker>(ref TPicker picker)
        where TPicker : struct, IQueuedPacketPicker
    {
        var kept = 0;
        var count = Count;
        for (var i = 0; i < count; i++)
        {
            var entry = _entries[(_head + i) % _entries.Length];
            if (picker.Picks(entry.Id))
            {
                Bytes -= entry.Size;
                continue;
            }

            _entries[(_head + kept) % _entries.Length] = entry;
            kept++;
        }

        Count = kept;
        return count - kept;
    }

    private readonly record struct Entry(long Id, int Size, long EnqueuedAt);
}

/// <summary>Chooses queued packets by id (<see cref="PacketQueue.Discard"/>); a struct, so that choosing allocates nothing.</summary>
internal interface IQueuedPacketPicker
{
    /// <summary>True to take the packet <paramref name="packetId"/> out of the queue.</summary>
    bool Picks(long packetId);
}
