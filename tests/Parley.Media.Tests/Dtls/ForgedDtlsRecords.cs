using System.Buffers.Binary;

namespace Parley.Media.Tests.Dtls;

/// <summary>
/// Made-up DTLS 1.2 records an attacker who sees the traffic (or a broken peer) could send into a connected transport:
/// none of them is authentic, so each must be dropped without touching the connection (RFC 6347 §4.1.2.7).
/// </summary>
internal static class ForgedDtlsRecords
{
    private const byte ApplicationData = 23;
    private const byte Alert = 21;
    private const byte Handshake = 22;

    /// <summary>The forgeries by name: current epoch (1) and the clear epoch (0).</summary>
    internal static IReadOnlyList<(string Name, byte[] Datagram)> All { get; } =
    [
        ("application data shorter than any AEAD record", Record(ApplicationData, 1, 1000, Junk(5))),
        ("garbage application data", Record(ApplicationData, 1, 1001, Junk(60))),
        ("an alert-looking record with a bad MAC", Record(Alert, 1, 1002, Junk(8 + 2 + 16))),
        ("a record declaring a huge length", WithLength(Record(ApplicationData, 1, 1003, Junk(30)), 0xFFFF)),
        ("a record with a far-future sequence number", Record(ApplicationData, 1, 0xFFFF_FFFF_FFFF, Junk(40))),
        ("an epoch 0 ClientHello-shaped handshake record", Record(Handshake, 0, 5000, HandshakeMessage(type: 1, Junk(40)))),
        ("an epoch 0 Finished-shaped handshake record", Record(Handshake, 0, 5001, HandshakeMessage(type: 20, Junk(12)))),
    ];

    /// <summary>One record: content type, DTLS 1.2, epoch, 48-bit sequence number, length, fragment.</summary>
    internal static byte[] Record(byte contentType, ushort epoch, long sequence, byte[] fragment)
    {
        var record = new byte[13 + fragment.Length];
        record[0] = contentType;
        record[1] = 0xFE;
        record[2] = 0xFD;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), epoch);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(5), (ushort)(sequence >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(7), (uint)sequence);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), (ushort)fragment.Length);
        fragment.CopyTo(record, 13);
        return record;
    }

    private static byte[] WithLength(byte[] record, ushort length)
    {
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), length);
        return record;
    }

    /// <summary>A whole handshake message in one fragment (RFC 6347 §4.2.2), message sequence 0.</summary>
    private static byte[] HandshakeMessage(byte type, byte[] body)
    {
        var message = new byte[12 + body.Length];
        message[0] = type;
        message[3] = (byte)body.Length; // length (24 bits; the bodies here are short)
        message[11] = (byte)body.Length; // fragment length; offset 0, message sequence 0
        body.CopyTo(message, 12);
        return message;
    }

    private static byte[] Junk(int length)
    {
        var junk = new byte[length];
        new Random(length).NextBytes(junk);
        return junk;
    }
}
