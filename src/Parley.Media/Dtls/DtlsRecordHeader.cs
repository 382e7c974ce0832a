using System.Buffers.Binary;

namespace Parley.Media.Dtls;

/// <summary>The 13-byte DTLS 1.0/1.2 record header (RFC 6347 §4.1).</summary>
internal readonly struct DtlsRecordHeader
{
    internal const int Size = 13;
    internal const byte VersionMajor = 0xFE;
    internal const ulong MaxSequenceNumber = (1UL << 48) - 1;

    internal DtlsRecordHeader(DtlsContentType contentType, ushort version, ushort epoch, ulong sequenceNumber, ushort fragmentLength)
    {
        ContentType = contentType;
        Version = version;
        Epoch = epoch;
        SequenceNumber = sequenceNumber;
        FragmentLength = fragmentLength;
    }

    internal DtlsContentType ContentType { get; }

    /// <summary>0xFEFF for DTLS 1.0, 0xFEFD for DTLS 1.2.</summary>
    internal ushort Version { get; }

    internal ushort Epoch { get; }

    /// <summary>The 48-bit record sequence number.</summary>
    internal ulong SequenceNumber { get; }

    internal ushort FragmentLength { get; }

    /// <summary>Reads a header; the fragment itself need not be present.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> data, out DtlsRecordHeader header)
    {
        header = default;
        if (data.Length < Size)
            return false;

        var contentType = (DtlsContentType)data[0];
        if (!Enum.IsDefined(contentType) || data[1] != VersionMajor)
            return false;

        ulong sequenceNumber = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(data[5..]) << 32)
            | BinaryPrimitives.ReadUInt32BigEndian(data[7..]);
        header = new DtlsRecordHeader(
            contentType,
            BinaryPrimitives.ReadUInt16BigEndian(data[1..]),
            BinaryPrimitives.ReadUInt16BigEndian(data[3..]),
            sequenceNumber,
            BinaryPrimitives.ReadUInt16BigEndian(data[11..]));
        return true;
    }

    internal bool TryWrite(Span<byte> destination, out int written)
    {
        written = 0;
        if (destination.Length < Size || SequenceNumber > MaxSequenceNumber || (Version >> 8) != VersionMajor)
            return false;

        destination[0] = (byte)ContentType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], Version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], Epoch);
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], (ushort)(SequenceNumber >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[7..], (uint)SequenceNumber);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], FragmentLength);
        written = Size;
        return true;
    }
}

/// <summary>TLS record content types DTLS 1.2 carries (RFC 5246 §6.2.1, RFC 6520).</summary>
internal enum DtlsContentType : byte
{
    ChangeCipherSpec = 20,
    Alert = 21,
    Handshake = 22,
    ApplicationData = 23,
    Heartbeat = 24,
}
