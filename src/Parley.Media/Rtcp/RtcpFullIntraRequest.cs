using System.Buffers.Binary;

namespace Parley.Media.Rtcp;

/// <summary>One FIR entry (RFC 5104 §4.3.1.1): the SSRC asked for a key frame and a command sequence number.</summary>
internal readonly record struct RtcpFirEntry(uint Ssrc, byte SequenceNumber)
{
    /// <summary>Size of an FCI entry: SSRC, sequence number and three reserved bytes.</summary>
    public const int Size = 8;
}

/// <summary>A full intra request (RFC 5104 §4.3.1): PSFB FMT 4; the media SSRC field is unused (0) and the FCI lists the targets.</summary>
internal readonly ref struct RtcpFullIntraRequest
{
    private readonly ReadOnlySpan<byte> _entries;

    private RtcpFullIntraRequest(uint senderSsrc, ReadOnlySpan<byte> entries)
    {
        SenderSsrc = senderSsrc;
        _entries = entries;
    }

    public uint SenderSsrc { get; }

    public int EntryCount => _entries.Length / RtcpFirEntry.Size;

    public RtcpFirEntry GetEntry(int index)
    {
        if ((uint)index >= (uint)EntryCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var entry = _entries[(index * RtcpFirEntry.Size)..];
        return new RtcpFirEntry(BinaryPrimitives.ReadUInt32BigEndian(entry), entry[4]);
    }

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpFullIntraRequest fir)
    {
        fir = default;
        if (!RtcpFeedback.TrySplit(packet, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.FullIntraRequest, out var sender, out _, out var fci)
            || fci.IsEmpty || fci.Length % RtcpFirEntry.Size != 0)
        {
            return false;
        }

        fir = new RtcpFullIntraRequest(sender, fci);
        return true;
    }

    public static bool TryWrite(Span<byte> destination, uint senderSsrc, ReadOnlySpan<RtcpFirEntry> entries, out int written)
    {
        written = 0;
        var length = RtcpFeedback.FixedLength + (entries.Length * RtcpFirEntry.Size);
        if (entries.IsEmpty
            || !RtcpFeedback.TryWriteFixed(destination, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.FullIntraRequest, length, senderSsrc, 0))
        {
            return false;
        }

        var position = RtcpFeedback.FixedLength;
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[position..], entry.Ssrc);
            destination[position + 4] = entry.SequenceNumber;
            destination.Slice(position + 5, 3).Clear();
            position += RtcpFirEntry.Size;
        }

        written = length;
        return true;
    }
}
