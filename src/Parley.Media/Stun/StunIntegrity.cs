using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Parley.Media.Stun;

/// <summary>
/// MESSAGE-INTEGRITY (RFC 8489 §14.5) and FINGERPRINT (§14.7) computation. The HMAC covers the message
/// up to the MESSAGE-INTEGRITY attribute while the header's length field already counts that attribute,
/// so verification hashes a copy with the length patched; the copy lives on the stack for ordinary sizes.
/// </summary>
internal static class StunIntegrity
{
    private const int StackCopyLimit = 1024;

    /// <summary>
    /// HMAC-SHA1 of <paramref name="prefix"/> (a STUN header and the attributes before MESSAGE-INTEGRITY),
    /// computed as if the header's length covered everything up to and including MESSAGE-INTEGRITY.
    /// </summary>
    public static void ComputeMessageIntegrity(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key, Span<byte> mac)
    {
        byte[]? rented = null;
        var copy = prefix.Length <= StackCopyLimit
            ? stackalloc byte[StackCopyLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(prefix.Length));
        try
        {
            copy = copy[..prefix.Length];
            prefix.CopyTo(copy);
            PatchLength(copy, prefix.Length + StunConstants.MessageIntegrityAttributeLength);
            HMACSHA1.HashData(key, copy, mac);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>HMAC-SHA1 over a prefix the caller owns: its length field is patched in place.</summary>
    public static void ComputeMessageIntegrityInPlace(Span<byte> prefix, ReadOnlySpan<byte> key, Span<byte> mac)
    {
        PatchLength(prefix, prefix.Length + StunConstants.MessageIntegrityAttributeLength);
        HMACSHA1.HashData(key, prefix, mac);
    }

    /// <summary>The FINGERPRINT value of <paramref name="prefix"/>, whose header length must already count the FINGERPRINT attribute.</summary>
    public static uint ComputeFingerprint(ReadOnlySpan<byte> prefix) => Crc32.Compute(prefix) ^ StunConstants.FingerprintXor;

    /// <summary>Sets the header's message length so that the message ends at <paramref name="endOffset"/>.</summary>
    public static void PatchLength(Span<byte> message, int endOffset) =>
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], (ushort)(endOffset - StunConstants.HeaderLength));
}
