using Parley.Media.Dtls;

namespace Parley.Media.Fuzz.Targets;

/// <summary>
/// DTLS record inspection: the structural check run on every datagram before the DTLS engine, and the record
/// headers it walks, each written back byte for byte.
/// </summary>
internal static class DtlsTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var verdict = DtlsDatagramInspection.Inspect(input);
        Span<byte> written = stackalloc byte[DtlsRecordHeader.Size];
        var remaining = input;
        var records = 0;
        while (DtlsRecordHeader.TryParse(remaining, out var header))
        {
            FuzzInvariantException.Check(header.TryWrite(written, out var length) && length == DtlsRecordHeader.Size, "a parsed header writes");
            FuzzInvariantException.Check(written.SequenceEqual(remaining[..DtlsRecordHeader.Size]), "a record header round-trips byte for byte");
            FuzzInvariantException.Check(header.SequenceNumber <= DtlsRecordHeader.MaxSequenceNumber, "the sequence number is 48-bit");
            records++;
            var recordLength = DtlsRecordHeader.Size + header.FragmentLength;
            if (recordLength > remaining.Length)
            {
                FuzzInvariantException.Check(verdict != DtlsDropReason.None, "a truncated record is not accepted");
                return;
            }

            remaining = remaining[recordLength..];
        }

        FuzzInvariantException.Check(verdict != DtlsDropReason.None || (remaining.IsEmpty && records > 0), "an accepted datagram is whole records");
    }
}
