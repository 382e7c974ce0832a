using System.Buffers.Binary;

namespace Parley.Media.Dtls;

/// <summary>
/// Structural checks on a received datagram before it is handed to the DTLS engine, so garbage
/// is dropped and counted here instead of reaching the handshake.
/// </summary>
/// <remarks>
/// Epoch 0 is unauthenticated: BouncyCastle would let a junk plaintext record move the replay
/// window or switch the read epoch early (a stray ChangeCipherSpec) and stall the handshake. So
/// plaintext records must be exactly what RFC 5246/6347 allow; encrypted ones (epoch 1) are
/// authenticated by the engine itself.
/// </remarks>
internal static class DtlsDatagramInspection
{
    /// <summary>DTLS 1.2 only ever uses epoch 0 (handshake) and epoch 1 (after ChangeCipherSpec).</summary>
    private const ushort HighestEpoch = 1;

    private const int HandshakeHeaderSize = 12;

    /// <summary>Walks every record of the datagram; <see cref="DtlsDropReason.None"/> when all are acceptable.</summary>
    internal static DtlsDropReason Inspect(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
            return DtlsDropReason.Truncated;

        // RFC 7983 §7: DTLS datagrams start with a byte in 20..63.
        if (datagram[0] is < 20 or > 63)
            return DtlsDropReason.NotDtls;

        while (!datagram.IsEmpty)
        {
            if (datagram.Length < DtlsRecordHeader.Size)
                return DtlsDropReason.Truncated;
            if (!DtlsRecordHeader.TryParse(datagram, out DtlsRecordHeader header))
                return DtlsDropReason.NotDtls;

            int recordLength = DtlsRecordHeader.Size + header.FragmentLength;
            if (recordLength > datagram.Length)
                return DtlsDropReason.Truncated;
            if (header.Epoch > HighestEpoch)
                return DtlsDropReason.UnexpectedEpoch;

            if (header.Epoch == 0)
            {
                DtlsDropReason plaintext = InspectPlaintext(header.ContentType, datagram.Slice(DtlsRecordHeader.Size, header.FragmentLength));
                if (plaintext != DtlsDropReason.None)
                    return plaintext;
            }

            datagram = datagram[recordLength..];
        }

        return DtlsDropReason.None;
    }

    private static DtlsDropReason InspectPlaintext(DtlsContentType contentType, ReadOnlySpan<byte> fragment) => contentType switch
    {
        // RFC 5246 §7.1: the whole record is the single byte 1.
        DtlsContentType.ChangeCipherSpec => fragment is [1] ? DtlsDropReason.None : DtlsDropReason.Malformed,
        // RFC 5246 §7.2: level (warning 1 or fatal 2) and description.
        DtlsContentType.Alert => fragment is [1 or 2, _] ? DtlsDropReason.None : DtlsDropReason.Malformed,
        DtlsContentType.Handshake => HandshakeFragmentsFill(fragment) ? DtlsDropReason.None : DtlsDropReason.Malformed,
        // Application data and heartbeats are only ever sent encrypted.
        _ => DtlsDropReason.UnexpectedEpoch,
    };

    /// <summary>RFC 6347 §4.2.2: a handshake record is whole message fragments, each within its message.</summary>
    private static bool HandshakeFragmentsFill(ReadOnlySpan<byte> fragment)
    {
        if (fragment.IsEmpty)
            return false;

        while (!fragment.IsEmpty)
        {
            if (fragment.Length < HandshakeHeaderSize)
                return false;

            int messageLength = ReadUInt24(fragment[1..]);
            int fragmentOffset = ReadUInt24(fragment[6..]);
            int fragmentLength = ReadUInt24(fragment[9..]);
            if (fragmentOffset + fragmentLength > messageLength || HandshakeHeaderSize + fragmentLength > fragment.Length)
                return false;

            fragment = fragment[(HandshakeHeaderSize + fragmentLength)..];
        }

        return true;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> bytes) => (bytes[0] << 16) | BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]);
}
