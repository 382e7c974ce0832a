namespace Parley.Media.Dtls;

/// <summary>
/// Cheap structural checks on a received datagram before it is handed to the DTLS engine,
/// so garbage is dropped and counted here instead of reaching the handshake.
/// </summary>
internal static class DtlsDatagramInspection
{
    /// <summary>DTLS 1.2 only ever uses epoch 0 (handshake) and epoch 1 (after ChangeCipherSpec).</summary>
    private const ushort HighestEpoch = 1;

    /// <summary>Walks every record of the datagram; <see cref="DtlsDropReason.None"/> when all are well formed.</summary>
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
            // Application data is always encrypted, so it can never be in the clear epoch 0.
            if (header.Epoch == 0 && header.ContentType == DtlsContentType.ApplicationData)
                return DtlsDropReason.UnexpectedEpoch;

            datagram = datagram[recordLength..];
        }

        return DtlsDropReason.None;
    }
}
