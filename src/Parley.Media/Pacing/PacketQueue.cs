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

    private readonly record struct Entry(long Id, int Size, long EnqueuedAt);
}
