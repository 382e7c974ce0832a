using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Parley.Media.Srtp;

/// <summary>
/// AES_CM_128_HMAC_SHA1_80 and _32 (RFC 3711 §4.1.1, §4.2.1). SRTCP always carries the 80-bit tag, even
/// with the _32 profile (RFC 5764 §4.1.2).
/// </summary>
/// <remarks>
/// HMAC runs on a reused <see cref="IncrementalHash"/> per key: it keeps the keyed inner/outer state, so each
/// packet skips the key schedule the static <c>HMACSHA1.HashData</c> repeats; both allocate nothing.
/// </remarks>
internal sealed class AesCmHmacSha1Transform : SrtpTransform
{
    private const int SaltLength = 14;
    private const int AuthKeyLength = 20;
    private const int RtcpTagLength = 10;
    private const int IndexWordLength = 4;

    private readonly int _rtpTagLength;
    private readonly AesCounterMode _rtpCipher;
    private readonly AesCounterMode _rtcpCipher;
    private readonly IncrementalHash _rtpMac;
    private readonly IncrementalHash _rtcpMac;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    private AesCmHmacSha1Transform(int rtpTagLength, ReadOnlySpan<byte> rtpKey, ReadOnlySpan<byte> rtpAuthKey, ReadOnlySpan<byte> rtpSalt,
        ReadOnlySpan<byte> rtcpKey, ReadOnlySpan<byte> rtcpAuthKey, ReadOnlySpan<byte> rtcpSalt)
    {
        _rtpTagLength = rtpTagLength;
        _rtpCipher = new AesCounterMode(rtpKey);
        _rtcpCipher = new AesCounterMode(rtcpKey);
        _rtpMac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtpAuthKey);
        _rtcpMac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtcpAuthKey);
        _rtpSalt = rtpSalt.ToArray();
        _rtcpSalt = rtcpSalt.ToArray();
    }

    public override int RtpOverhead => _rtpTagLength;

    public override int RtcpOverhead => RtcpTagLength + IndexWordLength;

    public static AesCmHmacSha1Transform FromMasterKey(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        int keyLength = masterKey.Length;
        Span<byte> rtpKey = stackalloc byte[keyLength];
        Span<byte> rtcpKey = stackalloc byte[keyLength];
        Span<byte> rtpAuth = stackalloc byte[AuthKeyLength];
        Span<byte> rtcpAuth = stackalloc byte[AuthKeyLength];
        Span<byte> rtpSalt = stackalloc byte[SaltLength];
        Span<byte> rtcpSalt = stackalloc byte[SaltLength];
        using (var prf = new AesCounterMode(masterKey))
        {
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpEncryption, rtpKey);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpAuthentication, rtpAuth);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpSalt, rtpSalt);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpEncryption, rtcpKey);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpAuthentication, rtcpAuth);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpSalt, rtcpSalt);
        }

        int tagLength = profile == SrtpProfile.AesCm128HmacSha1_32 ? 4 : 10;
        var transform = new AesCmHmacSha1Transform(tagLength, rtpKey, rtpAuth, rtpSalt, rtcpKey, rtcpAuth, rtcpSalt);
        CryptographicOperations.ZeroMemory(rtpKey);
        CryptographicOperations.ZeroMemory(rtcpKey);
        CryptographicOperations.ZeroMemory(rtpAuth);
        CryptographicOperations.ZeroMemory(rtcpAuth);
        return transform;
    }

    public override void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> counter = stackalloc byte[AesCounterMode.BlockSize];
        RtpCounter(_rtpSalt, ssrc, index, counter);
        _rtpCipher.Apply(counter, packet.Slice(headerLength, length - headerLength));

        Span<byte> tag = stackalloc byte[AuthKeyLength];
        RtpMac(packet.Slice(0, length), index, tag);
        tag.Slice(0, _rtpTagLength).CopyTo(packet.Slice(length));
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        int authenticatedLength = length - _rtpTagLength;
        Span<byte> expected = stackalloc byte[AuthKeyLength];
        RtpMac(packet.Slice(0, authenticatedLength), index, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected.Slice(0, _rtpTagLength), packet.Slice(authenticatedLength, _rtpTagLength)))
            return false;

        Span<byte> counter = stackalloc byte[AesCounterMode.BlockSize];
        RtpCounter(_rtpSalt, ssrc, index, counter);
        _rtpCipher.Apply(counter, packet.Slice(headerLength, authenticatedLength - headerLength));
        return true;
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> counter = stackalloc byte[AesCounterMode.BlockSize];
        RtcpCounter(_rtcpSalt, ssrc, index, counter);
        _rtcpCipher.Apply(counter, packet.Slice(8, length - 8));
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(length), 0x8000_0000u | index);

        int authenticatedLength = length + IndexWordLength;
        Span<byte> tag = stackalloc byte[AuthKeyLength];
        _rtcpMac.AppendData(packet.Slice(0, authenticatedLength));
        _rtcpMac.GetHashAndReset(tag);
        tag.Slice(0, RtcpTagLength).CopyTo(packet.Slice(authenticatedLength));
        return authenticatedLength + RtcpTagLength;
    }

    public override uint ReadRtcpIndexWord(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(packet.Length - RtcpTagLength - IndexWordLength));

    public override bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint indexWord)
    {
        int authenticatedLength = length - RtcpTagLength;
        Span<byte> expected = stackalloc byte[AuthKeyLength];
        _rtcpMac.AppendData(packet.Slice(0, authenticatedLength));
        _rtcpMac.GetHashAndReset(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected.Slice(0, RtcpTagLength), packet.Slice(authenticatedLength, RtcpTagLength)))
            return false;

        if ((indexWord & 0x8000_0000u) != 0)
        {
            Span<byte> counter = stackalloc byte[AesCounterMode.BlockSize];
            RtcpCounter(_rtcpSalt, ssrc, indexWord & 0x7FFF_FFFFu, counter);
            _rtcpCipher.Apply(counter, packet.Slice(8, authenticatedLength - IndexWordLength - 8));
        }

        return true;
    }

    /// <summary>The RTP tag covers the packet followed by the 32-bit rollover counter (RFC 3711 §4.2).</summary>
    private void RtpMac(ReadOnlySpan<byte> authenticated, ulong index, Span<byte> mac)
    {
        Span<byte> rolloverCounter = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rolloverCounter, (uint)(index >> 16));
        _rtpMac.AppendData(authenticated);
        _rtpMac.AppendData(rolloverCounter);
        _rtpMac.GetHashAndReset(mac);
    }

    /// <summary>IV = (salt · 2^16) XOR (SSRC · 2^64) XOR (index · 2^16).</summary>
    private static void RtpCounter(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> counter)
    {
        counter.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(counter.Slice(4), ssrc);
        BinaryPrimitives.WriteUInt16BigEndian(counter.Slice(8), (ushort)(index >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(counter.Slice(10), (uint)index);
        for (int i = 0; i < SaltLength; i++)
            counter[i] ^= salt[i];
    }

    private static void RtcpCounter(ReadOnlySpan<byte> salt, uint ssrc, uint index, Span<byte> counter) =>
        RtpCounter(salt, ssrc, index, counter);

    public override void Dispose()
    {
        _rtpCipher.Dispose();
        _rtcpCipher.Dispose();
        _rtpMac.Dispose();
        _rtcpMac.Dispose();
    }
}
