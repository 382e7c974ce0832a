using System.Buffers;
using Parley.Media.Rtp;

namespace Parley.Media.Rtc;

/// <summary>
/// Keeps the most recent RTP packets of one stream so NACKed ones can be sent again (RFC 4585 §3.4, RFC 4588).
/// Slots are indexed by sequence number modulo a power-of-two capacity and live in one slab rented from an
/// <see cref="ArrayPool{T}"/>; <see cref="Dispose"/> returns it. Owned by one worker thread: no locks.
/// </summary>
/// <remarks>
/// A packet is served while it is younger than the maximum age and still within <c>Capacity</c> sequence numbers of
/// the newest one stored. The same packet is served again only after the resend interval (about one RTT), because a
/// receiver that NACKs faster than the round trip asks for copies already on their way.
/// </remarks>
internal sealed class RetransmissionBuffer : IDisposable
{
    /// <summary>Default slot count: about two seconds of a 4 Mbps video stream.</summary>
    public const int DefaultCapacity = 1024;

    /// <summary>Default largest packet stored (an RTP packet within a 1500-byte MTU).</summary>
    public const int DefaultMaxPacketSize = 1500;

    /// <summary>Default maximum age for video; audio can use less (mediasoup uses 2 s and 1 s).</summary>
    public const int DefaultMaxAgeMilliseconds = 2000;

    /// <summary>Resend interval used until the caller knows the RTT (mediasoup's default RTT).</summary>
    public const int DefaultResendIntervalMilliseconds = 100;

    private readonly ArrayPool<byte> _pool;
    private readonly int _mask;
    private readonly Slot[] _slots;
    private byte[]? _slab;
    private ushort _newest;
    private bool _hasNewest;
    private int _resendIntervalMilliseconds = DefaultResendIntervalMilliseconds;

    /// <summary>Creates a buffer of <paramref name="capacity"/> slots (a power of two, 16 to 32768).</summary>
    public RetransmissionBuffer(
        int capacity = DefaultCapacity,
        int maxPacketSize = DefaultMaxPacketSize,
        int maxAgeMilliseconds = DefaultMaxAgeMilliseconds,
        ArrayPool<byte>? pool = null)
    {
        if (capacity is < 16 or > 32768 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be a power of two from 16 to 32768.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketSize, 12);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAgeMilliseconds);

        Capacity = capacity;
        MaxPacketSize = maxPacketSize;
        MaxAgeMilliseconds = maxAgeMilliseconds;
        _mask = capacity - 1;
        _pool = pool ?? ArrayPool<byte>.Shared;
        _slab = _pool.Rent(capacity * maxPacketSize);
        _slots = new Slot[capacity];
    }

    /// <summary>Number of slots.</summary>
    public int Capacity { get; }

    /// <summary>Largest packet accepted by <see cref="Store"/>.</summary>
    public int MaxPacketSize { get; }

    /// <summary>Packets older than this are not served.</summary>
    public int MaxAgeMilliseconds { get; }

    /// <summary>Shortest time between two resends of the same packet; set it to the current RTT.</summary>
    public int ResendIntervalMilliseconds
    {
        get => _resendIntervalMilliseconds;
        set => _resendIntervalMilliseconds = value > 0 ? value : DefaultResendIntervalMilliseconds;
    }

    /// <summary>Packets stored and not yet overwritten or cleared.</summary>
    public int Count { get; private set; }

    /// <summary>True once <see cref="Dispose"/> has returned the slab.</summary>
    public bool IsDisposed => _slab is null;

    /// <summary>
    /// Copies <paramref name="rtpPacket"/> into the slot of <paramref name="sequenceNumber"/>. Fails (and stores
    /// nothing) when the packet is empty or larger than <see cref="MaxPacketSize"/>, when it is more than
    /// <see cref="Capacity"/> behind the newest stored, or after dispose. A jump ahead clears the skipped slots so a
    /// stale packet never answers for a newer sequence number.
    /// </summary>
    public bool Store(ReadOnlySpan<byte> rtpPacket, ushort sequenceNumber, long nowMilliseconds)
    {
        if (_slab is null || rtpPacket.IsEmpty || rtpPacket.Length > MaxPacketSize)
        {
            return false;
        }

        if (!_hasNewest)
        {
            _newest = sequenceNumber;
            _hasNewest = true;
        }
        else
        {
            var ahead = SequenceNumbers.Distance(_newest, sequenceNumber);
            if (ahead > 0)
            {
                ClearSkipped(ahead);
                _newest = sequenceNumber;
            }
            else if (-ahead >= Capacity)
            {
                return false;
            }
        }

        var index = sequenceNumber & _mask;
        ref var slot = ref _slots[index];
        if (slot.Length == 0)
        {
            Count++;
        }

        rtpPacket.CopyTo(_slab.AsSpan(index * MaxPacketSize, MaxPacketSize));
        slot = new Slot(sequenceNumber, rtpPacket.Length, nowMilliseconds, ResentAtMilliseconds: long.MinValue, ResendCount: 0);
        return true;
    }

    /// <summary>
    /// Looks up <paramref name="sequenceNumber"/> for a resend. Succeeds when the packet is stored, younger than
    /// <see cref="MaxAgeMilliseconds"/> and not resent within <see cref="ResendIntervalMilliseconds"/>; success
    /// records the resend. The span stays valid until the slot is overwritten or the buffer disposed.
    /// </summary>
    public bool TryGet(ushort sequenceNumber, long nowMilliseconds, out ReadOnlySpan<byte> packet)
    {
        packet = default;
        if (!TryFindResendable(sequenceNumber, nowMilliseconds, out var index))
        {
            return false;
        }

        RecordResend(index, nowMilliseconds);
        packet = _slab.AsSpan(index * MaxPacketSize, _slots[index].Length);
        return true;
    }

    /// <summary>
    /// Like <see cref="TryGet"/>, but writes the packet in its RTX form (RFC 4588) into <paramref name="destination"/>
    /// with the RTX stream's SSRC, payload type and next sequence number. A stored packet that does not parse as RTP
    /// is not served; a failure records no resend.
    /// </summary>
    public bool TryGetAsRtx(
        ushort sequenceNumber,
        long nowMilliseconds,
        Span<byte> destination,
        uint rtxSsrc,
        byte rtxPayloadType,
        ushort rtxSequenceNumber,
        out int written)
    {
        written = 0;
        if (!TryFindResendable(sequenceNumber, nowMilliseconds, out var index)
            || !RtpPacket.TryParse(_slab.AsSpan(index * MaxPacketSize, _slots[index].Length), out var original)
            || !RtxPacket.TryWrap(original, destination, rtxSsrc, rtxPayloadType, rtxSequenceNumber, out written))
        {
            return false;
        }

        RecordResend(index, nowMilliseconds);
        return true;
    }

    /// <summary>Copies a stored, unexpired packet without counting a resend; returns its length or -1.</summary>
    public int CopyTo(ushort sequenceNumber, long nowMilliseconds, Span<byte> destination)
    {
        if (!TryFind(sequenceNumber, nowMilliseconds, out var index) || destination.Length < _slots[index].Length)
        {
            return -1;
        }

        var length = _slots[index].Length;
        _slab.AsSpan(index * MaxPacketSize, length).CopyTo(destination);
        return length;
    }

    /// <summary>How often the stored packet was served by <see cref="TryGet"/>, 0 when absent.</summary>
    public int GetResendCount(ushort sequenceNumber)
    {
        ref readonly var slot = ref _slots[sequenceNumber & _mask];
        return slot.Length != 0 && slot.SequenceNumber == sequenceNumber ? slot.ResendCount : 0;
    }

    /// <summary>Forgets every packet (a new sender or an SSRC change); keeps the slab.</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        Count = 0;
        _hasNewest = false;
    }

    /// <summary>Returns the slab to the pool; later calls fail without throwing.</summary>
    public void Dispose()
    {
        var slab = _slab;
        if (slab is null)
        {
            return;
        }

        _slab = null;
        Clear();
        _pool.Return(slab);
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(_slab))]
    private bool TryFind(ushort sequenceNumber, long nowMilliseconds, out int index)
    {
        index = sequenceNumber & _mask;
        if (_slab is null)
        {
            return false;
        }

        ref readonly var slot = ref _slots[index];
        return slot.Length != 0
            && slot.SequenceNumber == sequenceNumber
            && nowMilliseconds - slot.StoredAtMilliseconds <= MaxAgeMilliseconds;
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(_slab))]
    private bool TryFindResendable(ushort sequenceNumber, long nowMilliseconds, out int index)
    {
        if (!TryFind(sequenceNumber, nowMilliseconds, out index))
        {
            return false;
        }

        ref readonly var slot = ref _slots[index];
        return slot.ResendCount == 0 || nowMilliseconds - slot.ResentAtMilliseconds >= _resendIntervalMilliseconds;
    }

    private void RecordResend(int index, long nowMilliseconds)
    {
        ref var slot = ref _slots[index];
        slot = slot with { ResentAtMilliseconds = nowMilliseconds, ResendCount = slot.ResendCount + 1 };
    }

    private void ClearSkipped(int ahead)
    {
        if (ahead - 1 >= Capacity)
        {
            Array.Clear(_slots);
            Count = 0;
            return;
        }

        for (var i = 1; i < ahead; i++)
        {
            ref var slot = ref _slots[(_newest + i) & _mask];
            if (slot.Length != 0)
            {
                slot = default;
                Count--;
            }
        }
    }

    private readonly record struct Slot(ushort SequenceNumber, int Length, long StoredAtMilliseconds, long ResentAtMilliseconds, int ResendCount);
}
