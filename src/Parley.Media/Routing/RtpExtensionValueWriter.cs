using System.Buffers.Binary;
using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// Replaces the value of one RFC 8285 header extension element of a packet in place, with a value of another length:
/// the block is rebuilt (other elements kept in order, padded to 32 bits) and the payload moved. Nothing allocates.
/// </summary>
internal static class RtpExtensionValueWriter
{
    private const int MaxBlockLength = 1024;

    /// <summary>
    /// Gives element <paramref name="id"/> of the packet of <paramref name="length"/> bytes in <paramref name="buffer"/>
    /// the value <paramref name="value"/>; false (the packet untouched) when it has no such element, the value does not
    /// fit the block's form (1 to 16 bytes one-byte, up to 255 two-byte), or the packet would not fit the buffer.
    /// </summary>
    public static bool TryReplace(Span<byte> buffer, int length, byte id, ReadOnlySpan<byte> value, out int newLength)
    {
        newLength = length;
        if (!RtpPacket.TryParse(buffer[..length], out var packet))
        {
            return false;
        }

        var form = packet.ExtensionForm;
        var oneByte = form == RtpHeaderExtensionForm.OneByte;
        if ((!oneByte && form != RtpHeaderExtensionForm.TwoByte) || value.Length > (oneByte ? 16 : 255) || (oneByte && value.Length == 0))
        {
            return false;
        }

        Span<byte> block = stackalloc byte[MaxBlockLength];
        var position = 0;
        var found = false;
        foreach (var element in packet.Extensions)
        {
            var elementValue = (ReadOnlySpan<byte>)element.Value;
            if (element.Id == id)
            {
                elementValue = value;
                found = true;
            }

            if (position + 2 + elementValue.Length > MaxBlockLength)
            {
                return false;
            }

            if (oneByte)
            {
                block[position++] = (byte)((element.Id << 4) | (elementValue.Length - 1));
            }
            else
            {
                block[position++] = element.Id;
                block[position++] = (byte)elementValue.Length;
            }

            elementValue.CopyTo(block[position..]);
            position += elementValue.Length;
        }

        while (position % 4 != 0)
        {
            block[position++] = 0;
        }

        var blockStart = RtpPacket.FixedHeaderLength + (packet.CsrcCount * 4);
        var bodyStart = blockStart + 4 + position;
        var bodyLength = length - packet.HeaderLength;
        if (!found || bodyStart + bodyLength > buffer.Length)
        {
            return false;
        }

        buffer.Slice(packet.HeaderLength, bodyLength).CopyTo(buffer[bodyStart..]);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(blockStart + 2)..], (ushort)(position / 4));
        block[..position].CopyTo(buffer[(blockStart + 4)..]);
        newLength = bodyStart + bodyLength;
        return true;
    }
}
