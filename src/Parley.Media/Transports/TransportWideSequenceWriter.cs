using System.Buffers.Binary;
using Parley.Media.Rtp;

namespace Parley.Media.Transports;

/// <summary>
/// Writes a copy of an outgoing RTP packet carrying the transport-wide-cc-01 extension element (a 16-bit
/// transport-wide sequence number) under a given ID: the element's value is overwritten when the packet has it, else
/// the element is appended to the packet's RFC 8285 block, or a one-byte block (two-byte for IDs over 14) is added
/// when it has none. A pure function over spans: the send path of a WebRTC transport stamps every packet with it.
/// </summary>
internal static class TransportWideSequenceWriter
{
    /// <summary>How much longer the copy can be than the packet: a block header and an element, padded.</summary>
    public const int MaxGrowth = 8;

    private const int ValueLength = 2;
    private const int BlockHeaderLength = 4;
    private const ushort OneByteProfile = 0xBEDE;
    private const ushort TwoByteProfile = 0x1000;
    private const byte ExtensionBit = 0x10;

    /// <summary>
    /// Copies <paramref name="packet"/> into <paramref name="destination"/> with element <paramref name="id"/> set to
    /// <paramref name="sequenceNumber"/>; false (nothing usable written) when the packet is not RTP, its extension
    /// block is of another profile, a one-byte block cannot hold the ID (over 14) or the copy does not fit.
    /// </summary>
    public static bool TryWrite(ReadOnlySpan<byte> packet, byte id, ushort sequenceNumber, Span<byte> destination, out int written)
    {
        written = 0;
        if (id == 0 || packet.Length > destination.Length || packet.Overlaps(destination))
        {
            return false;
        }

        packet.CopyTo(destination);
        if (!RtpPacket.TryParse(destination[..packet.Length], out var parsed))
        {
            return false;
        }

        Span<byte> value = stackalloc byte[ValueLength];
        BinaryPrimitives.WriteUInt16BigEndian(value, sequenceNumber);
        if (parsed.HasExtension && parsed.TryGetExtension(id, out var existing) && existing.Length == ValueLength)
        {
            value.CopyTo(existing);
            written = packet.Length;
            return true;
        }

        var blockStart = RtpPacket.FixedHeaderLength + (parsed.CsrcCount * 4);
        if (!parsed.HasExtension)
        {
            var twoByte = id > 14;
            if (packet.Length + MaxGrowth > destination.Length)
            {
                return false;
            }

            // Fixed header and CSRCs stay; the body moves after the new 8-byte block.
            packet[blockStart..].CopyTo(destination[(blockStart + MaxGrowth)..]);
            destination[0] |= ExtensionBit;
            BinaryPrimitives.WriteUInt16BigEndian(destination[blockStart..], twoByte ? TwoByteProfile : OneByteProfile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(blockStart + 2)..], 1);
            var element = destination.Slice(blockStart + BlockHeaderLength, 4);
            element.Clear();
            WriteElement(element, id, value, twoByte);
            written = packet.Length + MaxGrowth;
            return true;
        }

        var form = parsed.ExtensionForm;
        if (form == RtpHeaderExtensionForm.None || (form == RtpHeaderExtensionForm.OneByte && id > 14))
        {
            return false;
        }

        var elementLength = form == RtpHeaderExtensionForm.OneByte ? 1 + ValueLength : 2 + ValueLength;
        var dataStart = blockStart + BlockHeaderLength;
        var oldDataLength = parsed.ExtensionData.Length;
        var used = 0;
        foreach (var element in parsed.Extensions)
        {
            used = element.HeaderOffset + (form == RtpHeaderExtensionForm.OneByte ? 1 : 2) + element.Value.Length;
        }

        var newDataLength = (used + elementLength + 3) & ~3;
        var growth = Math.Max(0, newDataLength - oldDataLength);
        newDataLength = Math.Max(newDataLength, oldDataLength);
        if (packet.Length + growth > destination.Length)
        {
            return false;
        }

        var bodyStart = dataStart + oldDataLength;
        packet[bodyStart..].CopyTo(destination[(bodyStart + growth)..]);
        var tail = destination[(dataStart + used)..(dataStart + newDataLength)];
        tail.Clear();
        WriteElement(tail, id, value, form == RtpHeaderExtensionForm.TwoByte);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(blockStart + 2)..], (ushort)(newDataLength / 4));
        written = packet.Length + growth;
        return true;
    }

    private static void WriteElement(Span<byte> destination, byte id, ReadOnlySpan<byte> value, bool twoByte)
    {
        if (twoByte)
        {
            destination[0] = id;
            destination[1] = (byte)value.Length;
            value.CopyTo(destination[2..]);
        }
        else
        {
            destination[0] = (byte)((id << 4) | (value.Length - 1));
            value.CopyTo(destination[1..]);
        }
    }
}
