namespace Parley.Media.Srtp;

/// <summary>
/// The SRTP protection profiles negotiated through DTLS use_srtp (RFC 5764 §4.1.2, RFC 7714 §14.2).
/// The numeric values are the IANA profile identifiers carried in the use_srtp extension.
/// </summary>
internal enum SrtpProfile : ushort
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764).</summary>
    AesCm128HmacSha1_80 = 0x0001,

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32 (RFC 5764).</summary>
    AesCm128HmacSha1_32 = 0x0002,

    /// <summary>SRTP_AEAD_AES_128_GCM (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,

    /// <summary>SRTP_AEAD_AES_256_GCM (RFC 7714).</summary>
    AeadAes256Gcm = 0x0008,
}

/// <summary>Key and salt sizes of each <see cref="SrtpProfile"/>, as exported from DTLS (RFC 5764 §4.2).</summary>
internal static class SrtpProfileInfo
{
    /// <summary>Length in bytes of the master key for <paramref name="profile"/>.</summary>
    public static int MasterKeyLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AeadAes256Gcm => 32,
        SrtpProfile.AeadAes128Gcm or SrtpProfile.AesCm128HmacSha1_80 or SrtpProfile.AesCm128HmacSha1_32 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile."),
    };

    /// <summary>Length in bytes of the master salt for <paramref name="profile"/>.</summary>
    public static int MasterSaltLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AeadAes256Gcm or SrtpProfile.AeadAes128Gcm => 12,
        SrtpProfile.AesCm128HmacSha1_80 or SrtpProfile.AesCm128HmacSha1_32 => 14,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile."),
    };
}
