using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsDatagramInspectionTests
{
    private static byte[] Record(byte contentType, ushort epoch, params byte[] fragment)
    {
        byte[] record = new byte[DtlsRecordHeader.Size + fragment.Length];
        new DtlsRecordHeader((DtlsContentType)contentType, 0xFEFD, epoch, 1, (ushort)fragment.Length).TryWrite(record, out _);
        fragment.CopyTo(record, DtlsRecordHeader.Size);
        return record;
    }

    // A handshake message header: type, 24-bit length, 16-bit sequence, 24-bit offset, 24-bit fragment length.
    private static byte[] HandshakeFragment(byte type, int messageLength, int offset, int fragmentLength) =>
    [
        type,
        (byte)(messageLength >> 16), (byte)(messageLength >> 8), (byte)messageLength,
        0, 0,
        (byte)(offset >> 16), (byte)(offset >> 8), (byte)offset,
        (byte)(fragmentLength >> 16), (byte)(fragmentLength >> 8), (byte)fragmentLength,
        .. new byte[fragmentLength],
    ];

    public static TheoryData<string, byte[], object> Cases => new()
    {
        { "change cipher spec", Record(20, 0, 1), DtlsDropReason.None },
        { "change cipher spec with extra byte", Record(20, 0, 1, 1), DtlsDropReason.Malformed },
        { "change cipher spec of 2", Record(20, 0, 2), DtlsDropReason.Malformed },
        { "fatal alert", Record(21, 0, 2, 42), DtlsDropReason.None },
        { "alert with bad level", Record(21, 0, 3, 0), DtlsDropReason.Malformed },
        { "alert too long", Record(21, 0, 1, 0, 0), DtlsDropReason.Malformed },
        { "whole client hello", Record(22, 0, HandshakeFragment(1, 20, 0, 20)), DtlsDropReason.None },
        { "middle fragment", Record(22, 0, HandshakeFragment(11, 3000, 1000, 900)), DtlsDropReason.None },
        { "two messages", Record(22, 0, [.. HandshakeFragment(2, 5, 0, 5), .. HandshakeFragment(14, 0, 0, 0)]), DtlsDropReason.None },
        { "fragment past its message", Record(22, 0, HandshakeFragment(11, 100, 90, 20)), DtlsDropReason.Malformed },
        { "fragment past the record", Record(22, 0, HandshakeFragment(1, 20, 0, 20)[..25]), DtlsDropReason.Malformed },
        { "empty handshake record", Record(22, 0), DtlsDropReason.Malformed },
        { "plaintext application data", Record(23, 0, 1, 2, 3), DtlsDropReason.UnexpectedEpoch },
        { "plaintext heartbeat", Record(24, 0, 1, 2, 3), DtlsDropReason.UnexpectedEpoch },
        { "encrypted application data", Record(23, 1, 9, 9, 9, 9), DtlsDropReason.None },
        { "encrypted finished", Record(22, 1, 7, 7, 7), DtlsDropReason.None },
        { "epoch 2", Record(23, 2, 9, 9), DtlsDropReason.UnexpectedEpoch },
        { "ccs and finished in one datagram", [.. Record(20, 0, 1), .. Record(22, 1, 5, 5, 5)], DtlsDropReason.None },
        { "trailing partial header", [.. Record(20, 0, 1), 22, 0xFE], DtlsDropReason.Truncated },
        { "fragment longer than datagram", Record(23, 1, 9, 9, 9)[..14], DtlsDropReason.Truncated },
        { "empty", [], DtlsDropReason.Truncated },
        { "rtp", [0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], DtlsDropReason.NotDtls },
        { "stun", [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], DtlsDropReason.NotDtls },
        { "tls version", [0x16, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], DtlsDropReason.NotDtls },
        { "unknown content type in range", [0x30, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], DtlsDropReason.NotDtls },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classifies(string name, byte[] datagram, object expectedCase)
    {
        var expected = (DtlsDropReason)expectedCase;
        Assert.True(expected == DtlsDatagramInspection.Inspect(datagram), name);
    }

    [Property]
    public void Random_bytes_never_throw(byte[] bytes)
    {
        DtlsDatagramInspection.Inspect(bytes ?? []);
    }

    [Property]
    public bool Any_truncation_of_a_valid_datagram_is_rejected_unless_it_ends_on_a_record_boundary(PositiveInt cut)
    {
        byte[] datagram = [.. Record(20, 0, 1), .. Record(22, 1, new byte[40])];
        int length = cut.Get % datagram.Length;
        DtlsDropReason reason = DtlsDatagramInspection.Inspect(datagram.AsSpan(0, length));

        return length == 14 ? reason == DtlsDropReason.None : reason != DtlsDropReason.None;
    }
}
