using System.Buffers.Binary;
using System.Net;

namespace Parley.Media.Stun;

/// <summary>
/// The value of MAPPED-ADDRESS and XOR-MAPPED-ADDRESS (RFC 8489 §14.1, §14.2): family, port and address,
/// where the XOR form masks the port with the cookie's high 16 bits and the address with the cookie
/// (IPv4) or with the cookie followed by the transaction id (IPv6).
/// </summary>
internal static class StunAddressCodec
{
    public const byte FamilyIPv4 = 0x01;
    public const byte FamilyIPv6 = 0x02;
    public const int IPv4ValueLength = 8;
    public const int IPv6ValueLength = 20;

    public static bool TryRead(ReadOnlySpan<byte> value, bool xor, ReadOnlySpan<byte> transactionId, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (value.Length < 4)
        {
            return false;
        }

        var family = value[1];
        var addressLength = family switch
        {
            FamilyIPv4 => 4,
            FamilyIPv6 => 16,
            _ => 0,
        };
        if (addressLength == 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        Span<byte> address = stackalloc byte[16];
        address = address[..addressLength];
        value.Slice(4, addressLength).CopyTo(address);
        if (xor)
        {
            port ^= (ushort)(StunConstants.MagicCookie >> 16);
            ApplyXorMask(address, transactionId);
        }

        endPoint = new IPEndPoint(new IPAddress(address), port);
        return true;
    }

    /// <summary>Writes the attribute value for <paramref name="address"/> (4 or 16 bytes) and <paramref name="port"/>; returns its length.</summary>
    public static int Write(Span<byte> value, ReadOnlySpan<byte> address, ushort port, bool xor, ReadOnlySpan<byte> transactionId)
    {
        value[0] = 0;
        value[1] = address.Length == 4 ? FamilyIPv4 : FamilyIPv6;
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], xor ? (ushort)(port ^ (StunConstants.MagicCookie >> 16)) : port);
        var target = value.Slice(4, address.Length);
        address.CopyTo(target);
        if (xor)
        {
            ApplyXorMask(target, transactionId);
        }

        return 4 + address.Length;
    }

    private static void ApplyXorMask(Span<byte> address, ReadOnlySpan<byte> transactionId)
    {
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunConstants.MagicCookie);
        transactionId.CopyTo(mask[4..]);
        for (var i = 0; i < address.Length; i++)
        {
            address[i] ^= mask[i];
        }
    }
}
