namespace Parley.Media.Pacing;

/// <summary>
/// The bytes of the packets a transport's pacer holds: a fixed number of slots in one pinned array, allocated once, and
/// a free list of slot numbers (the pacer queues slot numbers). Bounded by construction: when every slot is taken the
/// packet is refused, never queued somewhere else. Worker thread only: no lock, nothing allocated per packet.
/// </summary>
internal sealed class PacedPacketStore
{
    private readonly byte[] _bytes;
    private readonly int[] _lengths;
    private readonly int[] _free;
    private int _freeCount;

    /// <param name="capacity">Slots: the most packets held at once.</param>
    /// <param name="slotSize">The largest packet a slot holds.</param>
    public PacedPacketStore(int capacity, int slotSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slotSize);
        Capacity = capacity;
        SlotSize = slotSize;
        _bytes = GC.AllocateUninitializedArray<byte>(capacity * slotSize, pinned: true);
        _lengths = new int[capacity];
        _free = new int[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _free[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
    }

    public int Capacity { get; }

    public int SlotSize { get; }

    /// <summary>Slots in use.</summary>
    public int Count => Capacity - _freeCount;

    /// <summary>Copies <paramref name="packet"/> into a free slot; false when none is free or the packet is larger than a slot.</summary>
    public bool TryAdd(ReadOnlySpan<byte> packet, out int slot)
    {
        if (_freeCount == 0 || packet.Length > SlotSize)
        {
            slot = -1;
            return false;
        }

        slot = _free[--_freeCount];
        packet.CopyTo(_bytes.AsSpan(slot * SlotSize, SlotSize));
        _lengths[slot] = packet.Length;
        return true;
    }

    /// <summary>The packet in <paramref name="slot"/>, valid until the slot is released.</summary>
    public ReadOnlySpan<byte> Get(int slot) => _bytes.AsSpan(slot * SlotSize, _lengths[slot]);

    /// <summary>Frees <paramref name="slot"/> for the next packet.</summary>
    public void Release(int slot)
    {
        _lengths[slot] = 0;
        _free[_freeCount++] = slot;
    }
}
