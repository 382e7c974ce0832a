using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>One generic NACK FCI entry: a lost packet ID and a bitmask of the 16 following losses.</summary>
/// <param name="PacketId">Sequence number of a lost packet (PID).</param>
/// <param name="LostBitmask">Bit i set means PID + i + 1 is lost too (BLP).</param>
internal readonly record struct RtcpNackItem(ushort PacketId, ushort LostBitmask)
{
    /// <summary>Size of an FCI entry.</summary>
    public const int Size = 4;

    /// <summary>How many sequence numbers this entry reports lost (1 to 17).</summary>
    public int LostCount => 1 + System.Numerics.BitOperations.PopCount(LostBitmask);
}

/// <summary>A generic NACK (RFC 4585 §6.2.1): RTPFB FMT 1, a list of PID/BLP entries naming lost RTP packets.</summary>
internal readonly ref struct RtcpGenericNack
{
    private readonly ReadOnlySpan<byte> _items;

    private RtcpGenericNack(uint senderSsrc, uint mediaSsrc, ReadOnlySpan<byte> items)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        _items = items;
    }

    public uint SenderSsrc { get; }

    public uint MediaSsrc { get; }

    public int ItemCount => _items.Length / RtcpNackItem.Size;

    /// <summary>Every lost sequence number, item by item, in the order the items list them.</summary>
    public NackLostSequenceEnumerator LostSequenceNumbers => new(_items);

    public RtcpNackItem GetItem(int index)
    {
        if ((uint)index >= (uint)ItemCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var item = _items[(index * RtcpNackItem.Size)..];
        return new RtcpNackItem(BinaryPrimitives.ReadUInt16BigEndian(item), BinaryPrimitives.ReadUInt16BigEndian(item[2..]));
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpGenericNack nack)
    {
        nack = default;
        if (!RtcpFeedback.TrySplit(packet, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack, out var sender, out var media, out var fci)
            || fci.IsEmpty || fci.Length % RtcpNackItem.Size != 0)
        {
            return false;
        }

        nack = new RtcpGenericNack(sender, media, fci);
        return true;
    }

    /// <summary>
    /// Writes a NACK for <paramref name="lost"/>, given in RTP order (ascending, wrapping at 65535). Each entry
    /// starts at the first loss not yet covered and takes every following loss up to 16 ahead; duplicates are
    /// dropped. Unordered input is still reported completely, only in more entries.
    /// </summary>
    public static bool TryWrite(Span<byte> destination, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<ushort> lost, out int written)
    {
        written = 0;
        if (lost.IsEmpty || destination.Length < RtcpFeedback.FixedLength + RtcpNackItem.Size)
        {
            return false;
        }

        var position = RtcpFeedback.FixedLength;
        var packetId = lost[0];
        var bitmask = 0;
        for (var i = 1; i < lost.Length; i++)
        {
            var distance = (ushort)(lost[i] - packetId);
            if (distance == 0)
            {
                continue;
            }

            if (distance <= 16)
            {
                bitmask |= 1 << (distance - 1);
                continue;
            }

            if (!TryWriteItem(destination, ref position, packetId, bitmask))
            {
                return false;
            }

            packetId = lost[i];
            bitmask = 0;
        }

        if (!TryWriteItem(destination, ref position, packetId, bitmask)
            || !RtcpFeedback.TryWriteFixed(destination, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack, position, senderSsrc, mediaSsrc))
        {
            return false;
        }

        written = position;
        return true;
    }

    private static bool TryWriteItem(Span<byte> destination, ref int position, ushort packetId, int bitmask)
    {
        if (position + RtcpNackItem.Size > destination.Length)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[position..], packetId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(position + 2)..], (ushort)bitmask);
        position += RtcpNackItem.Size;
        return true;
    }
}

/// <summary>Expands NACK entries into lost sequence numbers without allocating.</summary>
internal ref struct NackLostSequenceEnumerator
{
    private ReadOnlySpan<byte> _items;
    private ushort _packetId;
    private int _bitmask;
    private int _bit; // -1: the PID itself is next
    private ushort _current;

    public NackLostSequenceEnumerator(ReadOnlySpan<byte> items)
    {
        _items = items;
        _bit = 17;
    }

    public readonly ushort Current => _current;

    public readonly NackLostSequenceEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            if (_bit == -1)
            {
                _current = _packetId;
                _bit = 0;
                return true;
            }

            while (_bit < 16)
            {
                var bit = _bit++;
                if ((_bitmask & (1 << bit)) != 0)
                {
                    _current = (ushort)(_packetId + bit + 1);
                    return true;
                }
            }

            if (_items.Length < RtcpNackItem.Size)
            {
                return false;
            }

            _packetId = BinaryPrimitives.ReadUInt16BigEndian(_items);
            _bitmask = BinaryPrimitives.ReadUInt16BigEndian(_items[2..]);
            _items = _items[RtcpNackItem.Size..];
            _bit = -1;
        }
    }
}
