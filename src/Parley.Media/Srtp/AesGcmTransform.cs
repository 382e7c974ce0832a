using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Parley.Media.Srtp;

/// <summary>
/// AEAD_AES_128_GCM and AEAD_AES_256_GCM (RFC 7714): a 16-byte tag, the RTP header as associated data,
/// and a 12-byte IV built from SSRC, ROC and SEQ (SRTCP: SSRC and index) XOR the session salt. RTP with a 128-bit key
/// (every forwarded copy) runs on <see cref="Aes128GcmNi"/> where the CPU has it; RTCP and 256-bit keys on <see cref="AesGcm"/>.
/// </summary>
internal sealed class AesGcmTransform : SrtpTransform
{
    private const int TagLength = 16;
    private const int SaltLength = 12;
    private const int IndexWordLength = 4;

    private readonly AesGcm _rtpCipher;
    private readonly Aes128GcmNi? _rtpFast;
    private readonly AesGcm _rtcpCipher;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    /// <summary>Builds the transform from session keys and salts directly (RFC 7714 §16 gives its vectors this way).</summary>
    internal AesGcmTransform(ReadOnlySpan<byte> rtpKey, ReadOnlySpan<byte> rtpSalt, ReadOnlySpan<byte> rtcpKey, ReadOnlySpan<byte> rtcpSalt)
    {
        _rtpCipher = new AesGcm(rtpKey, TagLength);
        _rtpFast = rtpKey.Length == 16 && Aes128GcmNi.IsSupported ? new Aes128GcmNi(rtpKey) : null;
        _rtcpCipher = new AesGcm(rtcpKey, TagLength);
        _rtpSalt = rtpSalt.ToArray();
        _rtcpSalt = rtcpSalt.ToArray();
    }

    public override int RtpOverhead => TagLength;

    public override int RtcpOverhead => TagLength + IndexWordLength;

    public static AesGcmTransform FromMasterKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        Span<byte> rtpKey = stackalloc byte[masterKey.Length];
        Span<byte> rtcpKey = stackalloc byte[masterKey.Length];
        Span<byte> rtpSalt = stackalloc byte[SaltLength];
        Span<byte> rtcpSalt = stackalloc byte[SaltLength];
        using (var prf = new AesCounterMode(masterKey))
        {
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpEncryption, rtpKey);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpSalt, rtpSalt);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpEncryption, rtcpKey);
            SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpSalt, rtcpSalt);
        }

        var transform = new AesGcmTransform(rtpKey, rtpSalt, rtcpKey, rtcpSalt);
        CryptographicOperations.ZeroMemory(rtpKey);
        CryptographicOperations.ZeroMemory(rtcpKey);
        return transform;
    }

    public override void ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[SaltLength];
        RtpNonce(ssrc, index, nonce);
        Span<byte> payload = packet.Slice(headerLength, length - headerLength);
        if (_rtpFast is not null)
        {
            _rtpFast.Encrypt(nonce, payload, packet.Slice(length, TagLength), packet.Slice(0, headerLength));
            return;
        }

        _rtpCipher.Encrypt(nonce, payload, payload, packet.Slice(length, TagLength), packet.Slice(0, headerLength));
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[SaltLength];
        RtpNonce(ssrc, index, nonce);
        int ciphertextEnd = length - TagLength;
        Span<byte> payload = packet.Slice(headerLength, ciphertextEnd - headerLength);
        if (_rtpFast is not null)
        {
            return _rtpFast.TryDecrypt(nonce, payload, packet.Slice(ciphertextEnd, TagLength), packet.Slice(0, headerLength));
        }

        try
        {
            _rtpCipher.Decrypt(nonce, payload, packet.Slice(ciphertextEnd, TagLength), payload, packet.Slice(0, headerLength));
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        uint indexWord = 0x8000_0000u | index;
        Span<byte> nonce = stackalloc byte[SaltLength];
        RtcpNonce(ssrc, index, nonce);
        Span<byte> associated = stackalloc byte[8 + IndexWordLength];
        packet.Slice(0, 8).CopyTo(associated);
        BinaryPrimitives.WriteUInt32BigEndian(associated.Slice(8), indexWord);

        Span<byte> body = packet.Slice(8, length - 8);
        _rtcpCipher.Encrypt(nonce, body, body, packet.Slice(length, TagLength), associated);
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(length + TagLength), indexWord);
        return length + TagLength + IndexWordLength;
    }

    public override uint ReadRtcpIndexWord(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(packet.Length - IndexWordLength));

    public override bool UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint indexWord)
    {
        Span<byte> nonce = stackalloc byte[SaltLength];
        RtcpNonce(ssrc, indexWord & 0x7FFF_FFFFu, nonce);
        int tagStart = length - IndexWordLength - TagLength;
        ReadOnlySpan<byte> tag = packet.Slice(tagStart, TagLength);
        try
        {
            if ((indexWord & 0x8000_0000u) != 0)
            {
                Span<byte> associated = stackalloc byte[8 + IndexWordLength];
                packet.Slice(0, 8).CopyTo(associated);
                BinaryPrimitives.WriteUInt32BigEndian(associated.Slice(8), indexWord);
                Span<byte> body = packet.Slice(8, tagStart - 8);
                _rtcpCipher.Decrypt(nonce, body, tag, body, associated);
                return true;
            }

            return VerifyUnencryptedRtcp(packet.Slice(0, tagStart), tag, indexWord, nonce);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    /// <summary>With the E bit clear the whole packet and the index word are associated data (RFC 7714 §9.2); rare, so pooled.</summary>
    private bool VerifyUnencryptedRtcp(ReadOnlySpan<byte> rtcp, ReadOnlySpan<byte> tag, uint indexWord, ReadOnlySpan<byte> nonce)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(rtcp.Length + IndexWordLength);
        try
        {
            Span<byte> associated = rented.AsSpan(0, rtcp.Length + IndexWordLength);
            rtcp.CopyTo(associated);
            BinaryPrimitives.WriteUInt32BigEndian(associated.Slice(rtcp.Length), indexWord);
            _rtcpCipher.Decrypt(nonce, ReadOnlySpan<byte>.Empty, tag, Span<byte>.Empty, associated);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>IV = (00 00 || SSRC || ROC || SEQ) XOR salt (RFC 7714 §8.1).</summary>
    private void RtpNonce(uint ssrc, ulong index, Span<byte> nonce)
    {
        nonce.Slice(0, 2).Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(2), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(6), (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce.Slice(10), (ushort)index);
        XorSalt(nonce, _rtpSalt);
    }

    /// <summary>IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt (RFC 7714 §9.1).</summary>
    private void RtcpNonce(uint ssrc, uint index, Span<byte> nonce)
    {
        nonce.Slice(0, 2).Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(2), ssrc);
        nonce.Slice(6, 2).Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(8), index & 0x7FFF_FFFFu);
        XorSalt(nonce, _rtcpSalt);
    }

    private static void XorSalt(Span<byte> nonce, ReadOnlySpan<byte> salt)
    {
        for (int i = 0; i < SaltLength; i++)
            nonce[i] ^= salt[i];
    }

    public override void Dispose()
    {
        _rtpCipher.Dispose();
        _rtcpCipher.Dispose();
    }
}
