using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

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
