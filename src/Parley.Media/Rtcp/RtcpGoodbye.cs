using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>A BYE packet (RFC 3550 §6.6): the sources leaving, and an optional length-prefixed reason.</summary>
internal readonly ref struct RtcpGoodbye
{
    private readonly ReadOnlySpan<byte> _ssrcs;

    private RtcpGoodbye(ReadOnlySpan<byte> ssrcs, ReadOnlySpan<byte> reason)
    {
        _ssrcs = ssrcs;
        Reason = reason;
    }

    public int SourceCount => _ssrcs.Length / 4;

    /// <summary>The reason text (UTF-8), empty when absent.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    public uint GetSource(int index)
    {
        if ((uint)index >= (uint)SourceCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return BinaryPrimitives.ReadUInt32BigEndian(_ssrcs[(index * 4)..]);
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpGoodbye goodbye)
    {
        goodbye = default;
        if (!RtcpHeader.TrySplit(packet, out var header, out var body) || header.PacketType != RtcpPacketType.Goodbye)
        {
            return false;
        }

        var ssrcLength = header.Count * 4;
        if (ssrcLength > body.Length)
        {
            return false;
        }

        var reason = ReadOnlySpan<byte>.Empty;
        var rest = body[ssrcLength..];
        if (!rest.IsEmpty && rest[0] != 0)
        {
            if (1 + rest[0] > rest.Length)
            {
                return false;
            }

            reason = rest.Slice(1, rest[0]);
        }

        goodbye = new RtcpGoodbye(body[..ssrcLength], reason);
        return true;
    }

    public static bool TryWrite(Span<byte> destination, ReadOnlySpan<uint> ssrcs, ReadOnlySpan<byte> reasonUtf8, out int written)
    {
        written = 0;
        var reasonLength = reasonUtf8.IsEmpty ? 0 : (1 + reasonUtf8.Length + 3) & ~3;
        var length = RtcpHeader.Size + (ssrcs.Length * 4) + reasonLength;
        if (ssrcs.Length > RtcpHeader.MaxCount || reasonUtf8.Length > byte.MaxValue || length > destination.Length
            || !RtcpHeader.TryWrite(destination, ssrcs.Length, RtcpPacketType.Goodbye, length))
        {
            return false;
        }

        var position = RtcpHeader.Size;
        foreach (var ssrc in ssrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[position..], ssrc);
            position += 4;
        }

        if (!reasonUtf8.IsEmpty)
        {
            destination[position] = (byte)reasonUtf8.Length;
            reasonUtf8.CopyTo(destination[(position + 1)..]);
            destination[(position + 1 + reasonUtf8.Length)..length].Clear();
        }

        written = length;
        return true;
    }
}
