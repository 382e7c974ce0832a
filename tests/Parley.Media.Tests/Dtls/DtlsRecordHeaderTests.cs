using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsRecordHeaderTests
{
    // A DTLS 1.2 handshake record header: epoch 0, sequence 5, 140 bytes of fragment.
    private static readonly byte[] HandshakeHeader = [0x16, 0xFE, 0xFD, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x8C];

    [Fact]
    public void Parses_a_handshake_record_header()
    {
        Assert.True(DtlsRecordHeader.TryParse(HandshakeHeader, out DtlsRecordHeader header));

        Assert.Equal(DtlsContentType.Handshake, header.ContentType);
        Assert.Equal(0xFEFD, header.Version);
        Assert.Equal(0, header.Epoch);
        Assert.Equal(5UL, header.SequenceNumber);
        Assert.Equal(140, header.FragmentLength);
    }

    [Fact]
    public void Parses_the_full_48_bit_sequence_number_and_epoch()
    {
        byte[] bytes = [0x17, 0xFE, 0xFD, 0x00, 0x01, 0xAB, 0xCD, 0x01, 0x02, 0x03, 0x04, 0x04, 0xB0];

        Assert.True(DtlsRecordHeader.TryParse(bytes, out DtlsRecordHeader header));

        Assert.Equal(DtlsContentType.ApplicationData, header.ContentType);
        Assert.Equal(1, header.Epoch);
        Assert.Equal(0xABCD01020304UL, header.SequenceNumber);
        Assert.Equal(1200, header.FragmentLength);
    }

    [Fact]
    public void Writes_the_exact_bytes()
    {
        var header = new DtlsRecordHeader(DtlsContentType.Handshake, 0xFEFD, 0, 5, 140);
        byte[] written = new byte[DtlsRecordHeader.Size + 3];

        Assert.True(header.TryWrite(written, out int length));

        Assert.Equal(DtlsRecordHeader.Size, length);
        Assert.Equal(HandshakeHeader, written[..length]);
    }

    [Theory]
    [InlineData(new byte[] { 0x16, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 5, 0 })]
    [InlineData(new byte[] { 0x19, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 5, 0, 1 })]
    [InlineData(new byte[] { 0x16, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 5, 0, 1 })]
    [InlineData(new byte[] { 0x00, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 5, 0, 1 })]
    public void Rejects_short_unknown_or_tls_headers(byte[] bytes)
    {
        Assert.False(DtlsRecordHeader.TryParse(bytes, out _));
    }

    [Fact]
    public void Refuses_to_write_into_a_short_buffer_or_a_sequence_number_over_48_bits()
    {
        Assert.False(new DtlsRecordHeader(DtlsContentType.Alert, 0xFEFD, 1, 1, 2).TryWrite(new byte[12], out _));
        Assert.False(new DtlsRecordHeader(DtlsContentType.Alert, 0xFEFD, 1, 1UL << 48, 2).TryWrite(new byte[13], out _));
        Assert.False(new DtlsRecordHeader(DtlsContentType.Alert, 0x0303, 1, 1, 2).TryWrite(new byte[13], out _));
    }

    [Property]
    public bool Write_then_parse_gives_back_the_header(byte contentTypeChoice, bool dtls10, ushort epoch, ulong sequence, ushort length)
    {
        var contentType = (DtlsContentType)(20 + contentTypeChoice % 5);
        ushort version = dtls10 ? (ushort)0xFEFF : (ushort)0xFEFD;
        var header = new DtlsRecordHeader(contentType, version, epoch, sequence & DtlsRecordHeader.MaxSequenceNumber, length);
        byte[] buffer = new byte[DtlsRecordHeader.Size];

        return header.TryWrite(buffer, out _)
            && DtlsRecordHeader.TryParse(buffer, out DtlsRecordHeader parsed)
            && parsed.ContentType == header.ContentType
            && parsed.Version == header.Version
            && parsed.Epoch == header.Epoch
            && parsed.SequenceNumber == header.SequenceNumber
            && parsed.FragmentLength == header.FragmentLength;
    }

    [Property]
    public void Random_bytes_never_throw(byte[] bytes)
    {
        DtlsRecordHeader.TryParse(bytes ?? [], out _);
    }
}
