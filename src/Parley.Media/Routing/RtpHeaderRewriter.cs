using System.Buffers.Binary;
using Parley.Media.Rtp;

namespace Parley.Media.Routing;

/// <summary>
/// Writes a copy of an RTP packet for one consumer with its header extensions renumbered: each element whose ID maps
/// to a consumer ID is kept under that ID, every other element is dropped; without any element left the extension
/// block goes too. The block keeps its form (one- or two-byte); a one-byte element mapped past ID 14 is dropped.
/// Header extensions of another profile than RFC 8285's are dropped whole.
/// </summary>
internal static class RtpHeaderRewriter
{
    private const ushort OneByteProfile = 0xBEDE;
    private const ushort TwoByteProfile = 0x1000;

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> with extension IDs translated through
    /// <paramref name="idMap"/> (index: source ID, value: destination ID, 0 = drop); returns the length, 0 if it does
    /// not fit.
    /// </summary>
    public static int Write(in RtpPacket source, ReadOnlySpan<byte> idMap, Span<byte> destination)
    {
        var fixedAndCsrcs = RtpPacket.FixedHeaderLength + (source.CsrcCount * 4);
        var body = source.Buffer[source.HeaderLength..];
        if (!source.HasExtension)
        {
            if (source.Length > destination.Length)
            {
                return 0;
            }

            source.Buffer.CopyTo(destination);
            return source.Length;
        }

        // The rewritten block is never longer than the original one.
        if (source.Length > destination.Length)
        {
            return 0;
        }

        source.Buffer[..fixedAndCsrcs].CopyTo(destination);
        var form = source.ExtensionForm;
        var blockStart = fixedAndCsrcs + 4;
        var position = blockStart;
        if (form is RtpHeaderExtensionForm.OneByte or RtpHeaderExtensionForm.TwoByte)
        {
            foreach (var element in source.Extensions)
            {
                var id = element.Id < idMap.Length ? idMap[element.Id] : (byte)0;
                if (id == 0)
                {
                    continue;
                }

                if (form == RtpHeaderExtensionForm.OneByte)
                {
                    if (id > 14)
                    {
                        continue;
                    }

                    destination[position++] = (byte)((id << 4) | (element.Value.Length - 1));
                }
                else
                {
                    destination[position++] = id;
                    destination[position++] = (byte)element.Value.Length;
                }

                element.Value.CopyTo(destination[position..]);
                position += element.Value.Length;
            }
        }

        int headerLength;
        if (position == blockStart)
        {
            destination[0] &= 0xEF;
            headerLength = fixedAndCsrcs;
        }
        else
        {
            while ((position - blockStart) % 4 != 0)
            {
                destination[position++] = 0;
            }

            BinaryPrimitives.WriteUInt16BigEndian(destination[fixedAndCsrcs..], form == RtpHeaderExtensionForm.OneByte ? OneByteProfile : TwoByteProfile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(fixedAndCsrcs + 2)..], (ushort)((position - blockStart) / 4));
            headerLength = position;
        }

        body.CopyTo(destination[headerLength..]);
        return headerLength + body.Length;
    }
}
