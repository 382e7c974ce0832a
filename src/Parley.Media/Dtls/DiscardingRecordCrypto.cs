using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Parley.Media.Dtls;

/// <summary>
/// BouncyCastle's crypto for one transport, whose record ciphers discard what does not decrypt instead of failing the
/// connection, and count it (<see cref="DtlsDropReason.Unauthenticated"/>).
/// </summary>
/// <remarks>
/// With <c>IgnoreCorruptDtlsRecords</c> BouncyCastle discards a record only when decryption says bad_record_mac. An
/// AEAD record shorter than its nonce and tag makes the cipher say decode_error instead, and BouncyCastle then fails
/// the connection and sends a fatal alert: anyone who can send one datagram from the peer's address (spoofing UDP is
/// easy) could end a meeting's transport. No protected record is trusted before it authenticates, so whatever the
/// cipher refuses is as forged as a bad MAC (RFC 6347 §4.1.2.7: invalid records are silently discarded).
/// </remarks>
internal sealed class DiscardingRecordCrypto(SecureRandom random, DtlsTransportCounters counters) : BcTlsCrypto(random)
{
    public override TlsCipher CreateCipher(TlsCryptoParameters cryptoParams, int encryptionAlgorithm, int macAlgorithm) =>
        new DiscardingCipher(base.CreateCipher(cryptoParams, encryptionAlgorithm, macAlgorithm), counters);

    /// <summary>Forwards everything to the negotiated cipher; a refused record becomes a counted bad_record_mac.</summary>
    private sealed class DiscardingCipher(TlsCipher cipher, DtlsTransportCounters counters) : TlsCipher
    {
        public bool UsesOpaqueRecordType => cipher.UsesOpaqueRecordType;

        public int GetCiphertextDecodeLimit(int plaintextLimit) => cipher.GetCiphertextDecodeLimit(plaintextLimit);

        public int GetCiphertextEncodeLimit(int plaintextLength, int plaintextLimit) => cipher.GetCiphertextEncodeLimit(plaintextLength, plaintextLimit);

        public int GetPlaintextLimit(int ciphertextLimit) => cipher.GetPlaintextLimit(ciphertextLimit);

        public TlsEncodeResult EncodePlaintext(long seqNo, short contentType, ProtocolVersion recordVersion, int headerAllocation, byte[] plaintext, int offset, int len) =>
            cipher.EncodePlaintext(seqNo, contentType, recordVersion, headerAllocation, plaintext, offset, len);

        public TlsEncodeResult EncodePlaintext(long seqNo, short contentType, ProtocolVersion recordVersion, int headerAllocation, ReadOnlySpan<byte> plaintext) =>
            cipher.EncodePlaintext(seqNo, contentType, recordVersion, headerAllocation, plaintext);

        public TlsDecodeResult DecodeCiphertext(long seqNo, short recordType, ProtocolVersion recordVersion, byte[] ciphertext, int offset, int len)
        {
            try
            {
                return cipher.DecodeCiphertext(seqNo, recordType, recordVersion, ciphertext, offset, len);
            }
            catch (TlsFatalAlert refused)
            {
                counters.CountDropped(DtlsDropReason.Unauthenticated);
                if (refused.AlertDescription == AlertDescription.bad_record_mac)
                    throw;
                throw new TlsFatalAlert(AlertDescription.bad_record_mac, refused);
            }
        }

        public void RekeyDecoder() => cipher.RekeyDecoder();

        public void RekeyEncoder() => cipher.RekeyEncoder();
    }
}
