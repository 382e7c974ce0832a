using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Parley.Media.Srtp;

namespace Parley.Media.Transports;

/// <summary>
/// SDES-style SRTP keying of a plain transport, in mediasoup's <c>srtpParameters</c> shape: a crypto suite and the
/// master key followed by the master salt, in base64.
/// </summary>
/// <param name="CryptoSuite">One of <see cref="SrtpCryptoSuites"/>.</param>
/// <param name="KeyBase64">base64(master key ‖ master salt).</param>
public sealed record SrtpParameters(
    [property: JsonPropertyName("cryptoSuite")] string CryptoSuite,
    [property: JsonPropertyName("keyBase64")] string KeyBase64)
{
    /// <summary>Fresh random keying for <paramref name="cryptoSuite"/>.</summary>
    public static SrtpParameters Generate(string cryptoSuite)
    {
        var profile = SrtpCryptoSuites.ToProfile(cryptoSuite);
        var key = RandomNumberGenerator.GetBytes(SrtpProfileInfo.MasterKeyLength(profile) + SrtpProfileInfo.MasterSaltLength(profile));
        return new SrtpParameters(cryptoSuite, Convert.ToBase64String(key));
    }

    /// <summary>An SRTP context keyed with these parameters.</summary>
    /// <exception cref="ArgumentException">Unknown suite, bad base64, or a key of the wrong length.</exception>
    internal SrtpContext CreateContext()
    {
        var profile = SrtpCryptoSuites.ToProfile(CryptoSuite);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(KeyBase64);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("keyBase64 is not base64.", nameof(KeyBase64), e);
        }

        var keyLength = SrtpProfileInfo.MasterKeyLength(profile);
        if (key.Length != keyLength + SrtpProfileInfo.MasterSaltLength(profile))
        {
            throw new ArgumentException($"{CryptoSuite} needs {keyLength + SrtpProfileInfo.MasterSaltLength(profile)} bytes of key and salt.", nameof(KeyBase64));
        }

        return new SrtpContext(profile, key.AsSpan(0, keyLength), key.AsSpan(keyLength));
    }
}

/// <summary>The crypto suite names mediasoup's plain transports accept.</summary>
public static class SrtpCryptoSuites
{
    /// <summary>AEAD_AES_256_GCM (RFC 7714).</summary>
    public const string AeadAes256Gcm = "AEAD_AES_256_GCM";

    /// <summary>AEAD_AES_128_GCM (RFC 7714).</summary>
    public const string AeadAes128Gcm = "AEAD_AES_128_GCM";

    /// <summary>AES_CM_128_HMAC_SHA1_80 (RFC 4568), mediasoup's default.</summary>
    public const string AesCm128HmacSha1_80 = "AES_CM_128_HMAC_SHA1_80";

    /// <summary>AES_CM_128_HMAC_SHA1_32 (RFC 4568).</summary>
    public const string AesCm128HmacSha1_32 = "AES_CM_128_HMAC_SHA1_32";

    internal static SrtpProfile ToProfile(string suite) => suite switch
    {
        AeadAes256Gcm => SrtpProfile.AeadAes256Gcm,
        AeadAes128Gcm => SrtpProfile.AeadAes128Gcm,
        AesCm128HmacSha1_80 => SrtpProfile.AesCm128HmacSha1_80,
        AesCm128HmacSha1_32 => SrtpProfile.AesCm128HmacSha1_32,
        _ => throw new ArgumentException($"Unknown SRTP crypto suite '{suite}'.", nameof(suite)),
    };
}
