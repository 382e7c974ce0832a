using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace Parley.Media.Dtls;

/// <summary>Hashing, formatting and parsing of certificate fingerprints (RFC 8122 §5).</summary>
internal static class FingerprintHash
{
    internal const int MaxHashLength = 64;

    internal static bool TryHash(string algorithm, ReadOnlySpan<byte> data, Span<byte> destination, out int written)
    {
        written = 0;
        switch (algorithm.ToLowerInvariant())
        {
            case "sha-1":
                return SHA1.TryHashData(data, destination, out written);
            case "sha-224":
                // .NET has no SHA-224; BouncyCastle's digest is only used for this rarely signaled case.
                var sha224 = new Sha224Digest();
                if (destination.Length < sha224.GetDigestSize())
                    return false;
                sha224.BlockUpdate(data);
                written = sha224.DoFinal(destination);
                return true;
            case "sha-256":
                return SHA256.TryHashData(data, destination, out written);
            case "sha-384":
                return SHA384.TryHashData(data, destination, out written);
            case "sha-512":
                return SHA512.TryHashData(data, destination, out written);
            default:
                return false;
        }
    }

    /// <summary>Uppercase hex pairs separated by colons, the form browsers put in SDP.</summary>
    internal static string Format(ReadOnlySpan<byte> hash)
    {
        if (hash.IsEmpty)
            return string.Empty;

        return string.Create(hash.Length * 3 - 1, hash.ToArray(), static (chars, bytes) =>
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                int at = i * 3;
                if (i > 0)
                    chars[at - 1] = ':';
                chars[at] = HexDigit(bytes[i] >> 4);
                chars[at + 1] = HexDigit(bytes[i] & 0xF);
            }
        });
    }

    /// <summary>Parses "AB:cd:..." (either hex case) into bytes; false for anything else.</summary>
    internal static bool TryParse(ReadOnlySpan<char> value, Span<byte> destination, out int written)
    {
        written = 0;
        if (value.Length < 2 || (value.Length + 1) % 3 != 0)
            return false;

        int count = (value.Length + 1) / 3;
        if (count > destination.Length)
            return false;

        for (int i = 0; i < count; i++)
        {
            int at = i * 3;
            if (i > 0 && value[at - 1] != ':')
                return false;
            int high = HexValue(value[at]);
            int low = HexValue(value[at + 1]);
            if (high < 0 || low < 0)
                return false;
            destination[i] = (byte)((high << 4) | low);
        }

        written = count;
        return true;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
