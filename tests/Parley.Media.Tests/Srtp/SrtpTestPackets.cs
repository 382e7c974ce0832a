using System.Buffers.Binary;
using Parley.Media.Srtp;

namespace Parley.Media.Tests.Srtp;

/// <summary>RTP/RTCP packets and keys for the SRTP tests.</summary>
internal static class SrtpTestPackets
{
    public static readonly SrtpProfile[] AllProfiles =
        [SrtpProfile.AeadAes256Gcm, SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AesCm128HmacSha1_32];

    public static IEnumerable<object[]> Profiles() => AllProfiles.Select(p => new object[] { p });

    public static byte[] Hex(string text) => Convert.FromHexString(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));

    /// <summary>A deterministic master key and salt of the right lengths for <paramref name="profile"/>.</summary>
    public static (byte[] Key, byte[] Salt) MasterKeys(SrtpProfile profile, byte seed = 1)
    {
        var key = new byte[SrtpProfileInfo.MasterKeyLength(profile)];
        var salt = new byte[SrtpProfileInfo.MasterSaltLength(profile)];
        for (var i = 0; i < key.Length; i++)
            key[i] = (byte)(seed + 7 * i);
        for (var i = 0; i < salt.Length; i++)
            salt[i] = (byte)(seed * 3 + 11 * i);
        return (key, salt);
    }

    public static SrtpContext Context(SrtpProfile profile, byte seed = 1)
    {
        var (key, salt) = MasterKeys(profile, seed);
        return new SrtpContext(profile, key, salt);
    }

    /// <summary>An RTP packet (12-byte header, optional CSRC and one-byte extension) with a patterned payload.</summary>
    public static byte[] MakeRtp(ushort sequenceNumber, uint ssrc, int payloadLength = 160, byte payloadType = 111, bool withExtensionAndCsrc = false)
    {
        int header = 12 + (withExtensionAndCsrc ? 4 + 8 : 0);
        var packet = new byte[header + payloadLength];
        packet[0] = (byte)(0x80 | (withExtensionAndCsrc ? 0x11 : 0));
        packet[1] = payloadType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 0x01020304u + sequenceNumber * 960u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        if (withExtensionAndCsrc)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), 0xCAFEBABE);
            packet[16] = 0xBE;
            packet[17] = 0xDE;
            packet[19] = 1;
            packet[20] = 0x10;
            packet[21] = 0x42;
        }

        for (var i = header; i < packet.Length; i++)
            packet[i] = (byte)(i * 31 + sequenceNumber);
        return packet;
    }

    /// <summary>A receiver report with one report block: 32 bytes.</summary>
    public static byte[] MakeRtcp(uint senderSsrc)
    {
        var packet = new byte[32];
        packet[0] = 0x81;
        packet[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 7);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), senderSsrc);
        for (var i = 8; i < packet.Length; i++)
            packet[i] = (byte)(i * 13);
        return packet;
    }

    /// <summary>Protects <paramref name="plain"/> into a fresh array sized for the overhead.</summary>
    public static byte[] ProtectRtp(SrtpContext context, byte[] plain)
    {
        var buffer = new byte[plain.Length + 16];
        plain.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, context.ProtectRtp(buffer, plain.Length, out var length));
        return buffer[..length];
    }

    public static byte[] ProtectRtcp(SrtpContext context, byte[] plain)
    {
        var buffer = new byte[plain.Length + 20];
        plain.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, context.ProtectRtcp(buffer, plain.Length, out var length));
        return buffer[..length];
    }
}
