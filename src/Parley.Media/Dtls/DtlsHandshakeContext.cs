using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Parley.Media.Srtp;

namespace Parley.Media.Dtls;

/// <summary>
/// What our BouncyCastle server and client peers share: the settings of one handshake and what it
/// produced (keys, the peer's certificate, why it failed, whether the peer said close_notify).
/// Written by the handshake and by whoever reads records after it, read from any thread.
/// </summary>
internal sealed class DtlsHandshakeContext
{
    internal DtlsHandshakeContext(BcTlsCrypto crypto, DtlsCertificate certificate, IReadOnlyList<DtlsFingerprint> remoteFingerprints, DtlsTransportOptions options)
    {
        Crypto = crypto;
        Certificate = certificate;
        RemoteFingerprints = remoteFingerprints;
        Options = options;
        Deadline = Environment.TickCount64 + (long)options.HandshakeTimeout.TotalMilliseconds;
    }

    internal BcTlsCrypto Crypto { get; }

    internal DtlsCertificate Certificate { get; }

    internal IReadOnlyList<DtlsFingerprint> RemoteFingerprints { get; }

    internal DtlsTransportOptions Options { get; }

    /// <summary>When the handshake must be over (<see cref="Environment.TickCount64"/>): the timeout counts from the start, queueing for a handshake thread included.</summary>
    internal long Deadline { get; }

    /// <summary>What is left of the handshake timeout; BouncyCastle reads it once, as its handshake begins on a pool thread.</summary>
    internal int RemainingHandshakeMillis => (int)Math.Clamp(Deadline - Environment.TickCount64, 1, int.MaxValue);

    internal bool IsPastDeadline => Environment.TickCount64 >= Deadline;

    internal int InitialRetransmitMillis => (int)Options.InitialRetransmitTimeout.TotalMilliseconds;

    internal DtlsSrtpKeys? Keys { get; private set; }

    internal byte[]? RemoteCertificateDer { get; private set; }

    internal volatile string? FailureReason;

    internal volatile bool CloseNotifyReceived;

    internal TlsCredentialedSigner CreateSigner(TlsContext context)
    {
        var tlsCertificate = new BcTlsCertificate(Crypto, Certificate.Der);
        var chain = new Certificate([tlsCertificate]);
        return new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(context),
            Crypto,
            Certificate.PrivateKey,
            chain,
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /// <summary>
    /// The peer's end-entity certificate must match one of the fingerprints it signaled; that match
    /// is the only authentication WebRTC has (RFC 8827 §6.5), so anything else aborts with an alert.
    /// </summary>
    internal void VerifyRemoteCertificate(Certificate? chain)
    {
        if (chain is null || chain.IsEmpty)
            throw Fail(AlertDescription.handshake_failure, "The peer presented no certificate.");

        byte[] der = chain.GetCertificateAt(0).GetEncoded();
        bool matched = false;
        foreach (DtlsFingerprint fingerprint in RemoteFingerprints)
            matched |= fingerprint.Matches(der);
        if (!matched)
            throw Fail(AlertDescription.bad_certificate, "The peer's certificate does not match its signaled fingerprint.");

        if (!HasSupportedKeyType(der))
            throw Fail(AlertDescription.unsupported_certificate, "The peer's certificate key is neither ECDSA nor RSA.");

        RemoteCertificateDer = der;
    }

    internal void ExportKeys(TlsContext context, SrtpProfile profile)
    {
        byte[] material = context.ExportKeyingMaterial(DtlsSrtpKeys.ExporterLabel, null, DtlsSrtpKeys.KeyingMaterialLength(profile));
        Keys = DtlsSrtpKeys.FromKeyingMaterial(profile, material, weAreClient: !context.IsServer);
        Array.Clear(material);
    }

    internal void OnAlertRaised(short level, short description, string? message)
    {
        if (level == AlertLevel.fatal)
            FailureReason ??= $"Sent fatal alert {AlertDescription.GetText(description)}" + (message is null ? "." : $": {message}");
    }

    internal void OnAlertReceived(short level, short description)
    {
        if (description == AlertDescription.close_notify)
            CloseNotifyReceived = true;
        else if (level == AlertLevel.fatal)
            FailureReason ??= $"Received fatal alert {AlertDescription.GetText(description)}.";
    }

    internal TlsFatalAlert Fail(short alertDescription, string reason)
    {
        FailureReason ??= reason;
        return new TlsFatalAlert(alertDescription, reason);
    }

    private static bool HasSupportedKeyType(byte[] der)
    {
        try
        {
            var algorithm = X509CertificateStructure.GetInstance(der).SubjectPublicKeyInfo.Algorithm.Algorithm;
            return algorithm.Equals(X9ObjectIdentifiers.IdECPublicKey) || algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidCastException or InvalidOperationException)
        {
            return false;
        }
    }
}
