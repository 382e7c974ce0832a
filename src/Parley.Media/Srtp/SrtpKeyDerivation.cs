namespace Parley.Media.Srtp;

/// <summary>
/// The AES-CM key derivation of RFC 3711 §4.3 with a key derivation rate of 0, which DTLS-SRTP always uses:
/// session keys are the keystream of AES-CTR under the master key, started at (master salt XOR label).
/// </summary>
internal static class SrtpKeyDerivation
{
    public const byte RtpEncryption = 0x00;
    public const byte RtpAuthentication = 0x01;
    public const byte RtpSalt = 0x02;
    public const byte RtcpEncryption = 0x03;
    public const byte RtcpAuthentication = 0x04;
    public const byte RtcpSalt = 0x05;

    /// <summary>Derives <paramref name="output"/>.Length bytes of the session key named by <paramref name="label"/>.</summary>
    /// <remarks>
    /// The label sits at byte 7 of the 14-byte salt (key_id is label || 48-bit index, right-aligned). GCM's
    /// 12-byte master salt is left-aligned and zero-padded to 14 bytes, as libsrtp and libwebrtc do.
    /// </remarks>
    public static void Derive(AesCounterMode prf, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        Span<byte> counter = stackalloc byte[AesCounterMode.BlockSize];
        counter.Clear();
        masterSalt.CopyTo(counter);
        counter[7] ^= label;
        output.Clear();
        prf.Apply(counter, output);
    }
}
