using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>An APP packet (RFC 3550 §6.7): a 5-bit subtype, the sender's SSRC, a 4-character name and opaque data.</summary>
internal readonly ref struct RtcpApplicationDefined
{
    private const int FixedPartLength = 8;

    private RtcpApplicationDefined(int subtype, uint ssrc, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        Subtype = subtype;
        Ssrc = ssrc;
        Name = name;
        Data = data;
    }

    public int Subtype { get; }

    public uint Ssrc { get; }

    /// <summary>The four ASCII name bytes.</summary>
    public ReadOnlySpan<byte> Name { get; }

    /// <summary>Application data, a multiple of 4 bytes on the wire.</summary>
    public ReadOnlySpan<byte> Data { get; }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpApplicationDefined app)
    {
        app = default;
        if (!RtcpHeader.TrySplit(packet, out var header, out var body)
            || header.PacketType != RtcpPacketType.ApplicationDefined
            || body.Length < FixedPartLength)
        {
            return false;
        }

        app = new RtcpApplicationDefined(header.Count, BinaryPrimitives.ReadUInt32BigEndian(body), body.Slice(4, 4), body[FixedPartLength..]);
        return true;
    }

    public static bool TryWrite(
        Span<byte> destination,
        int subtype,
        uint ssrc,
        ReadOnlySpan<byte> name,
        ReadOnlySpan<byte> data,
        out int written)
    {
        written = 0;
        var length = RtcpHeader.Size + FixedPartLength + data.Length;
        if (name.Length != 4 || data.Length % 4 != 0 || length > destination.Length
            || !RtcpHeader.TryWrite(destination, subtype, RtcpPacketType.ApplicationDefined, length))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        name.CopyTo(destination[8..]);
        data.CopyTo(destination[12..]);
        written = length;
        return true;
    }
}
