namespace Parley.Media.Srtp;

/// <summary>
/// The cryptographic transform of one profile with its derived session keys, for RTP and RTCP. The context
/// handles headers, indices and replay; a transform only encrypts, decrypts and authenticates.
/// </summary>
internal abstract class SrtpTransform : IDisposable
{
    /// <summary>Bytes appended to an RTP packet: the authentication tag.</summary>
    public abstract int RtpOverhead { get; }

    /// <summary>Bytes appended to an RTCP packet: tag plus the E-bit/SRTCP index word.</summary>
    public abstract int RtcpOverhead { get; }

    /// <summary>Encrypts the payload after <paramref name="headerLength"/> and writes the tag after <paramref name="length"/>.</summary>
    public abstract void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index);

    /// <summary>Verifies the tag ending at <paramref name="length"/> and decrypts the payload; false when the tag is wrong.</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index);

    /// <summary>Encrypts the RTCP packet after its first 8 bytes, appends tag and index; returns the protected length.</summary>
    public abstract int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index);

    /// <summary>The E bit and SRTCP index word of a protected packet of at least <see cref="RtcpOverhead"/> + 8 bytes.</summary>
    public abstract uint ReadRtcpIndexWord(ReadOnlySpan<byte> packet);

    /// <summary>Verifies and (when the E bit is set) decrypts; false when the tag is wrong.</summary>
    public abstract bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint indexWord);

    public abstract void Dispose();

    /// <summary>Derives the session keys of <paramref name="profile"/> from the master key and salt.</summary>
    public static SrtpTransform Create(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt) =>
        profile switch
        {
            SrtpProfile.AesCm128HmacSha1_80 or SrtpProfile.AesCm128HmacSha1_32 =>
                AesCmHmacSha1Transform.FromMasterKey(profile, masterKey, masterSalt),
            SrtpProfile.AeadAes128Gcm or SrtpProfile.AeadAes256Gcm => AesGcmTransform.FromMasterKey(masterKey, masterSalt),
            _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile."),
        };
}
