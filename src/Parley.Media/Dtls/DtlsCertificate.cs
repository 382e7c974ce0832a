using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Parley.Media.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate and its key, as WebRTC endpoints use for DTLS-SRTP.
/// Generating one costs a key generation and a signature, so create it once per process or
/// worker and share it between all transports; it is immutable and thread-safe.
/// </summary>
public sealed class DtlsCertificate
{
    /// <summary>The validity used by <see cref="Generate"/> when none is given.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(30);

    // Peers' clocks may run behind ours; a certificate "not yet valid" for them would fail the handshake.
    private static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromDays(1);

    private readonly byte[] _der;
    private readonly Dictionary<string, DtlsFingerprint> _fingerprintsByAlgorithm;

    private DtlsCertificate(X509Certificate certificate, AsymmetricKeyParameter privateKey)
    {
        _der = certificate.GetEncoded();
        PrivateKey = privateKey;
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        SerialNumber = certificate.SerialNumber.ToString(16).ToUpperInvariant();
        Subject = certificate.SubjectDN.ToString();

        var fingerprints = DtlsFingerprint.SupportedAlgorithms.Select(algorithm => DtlsFingerprint.Compute(algorithm, _der)).ToArray();
        Fingerprints = fingerprints;
        _fingerprintsByAlgorithm = fingerprints.ToDictionary(f => f.Algorithm, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Generates a new key pair and a self-signed certificate for it.</summary>
    /// <param name="commonName">The subject and issuer common name.</param>
    /// <param name="validity">How long the certificate stays valid from now; <see cref="DefaultValidity"/> when null.</param>
    public static DtlsCertificate Generate(string commonName = "Parley", TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var random = new SecureRandom();

        var keyGenerator = new ECKeyPairGenerator();
        keyGenerator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        AsymmetricCipherKeyPair keyPair = keyGenerator.GenerateKeyPair();

        // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 16 random bytes keep serials unique.
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        DateTime now = DateTime.UtcNow;
        var name = new X509Name("CN=" + commonName);

        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(1, serial));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(now - ClockSkewAllowance);
        generator.SetNotAfter(now + (validity ?? DefaultValidity));
        generator.SetPublicKey(keyPair.Public);

        X509Certificate certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keyPair.Private, random));
        return new DtlsCertificate(certificate, keyPair.Private);
    }

    /// <summary>The certificate in DER form, as sent in the DTLS Certificate message.</summary>
    public ReadOnlyMemory<byte> RawData => _der;

    /// <summary>The subject distinguished name, e.g. "CN=Parley".</summary>
    public string Subject { get; }

    /// <summary>The serial number as uppercase hex.</summary>
    public string SerialNumber { get; }

    /// <summary>The start of the validity period (UTC).</summary>
    public DateTimeOffset NotBefore { get; }

    /// <summary>The end of the validity period (UTC); generate a new certificate before then.</summary>
    public DateTimeOffset NotAfter { get; }

    /// <summary>The fingerprints for every algorithm in <see cref="DtlsFingerprint.SupportedAlgorithms"/>.</summary>
    public IReadOnlyList<DtlsFingerprint> Fingerprints { get; }

    /// <summary>The SHA-256 fingerprint, the one browsers signal.</summary>
    public DtlsFingerprint Sha256Fingerprint => _fingerprintsByAlgorithm["sha-256"];

    internal AsymmetricKeyParameter PrivateKey { get; }

    internal byte[] Der => _der;

    /// <summary>The fingerprint for one hash algorithm.</summary>
    /// <param name="algorithm">One of <see cref="DtlsFingerprint.SupportedAlgorithms"/> (case-insensitive).</param>
    /// <exception cref="ArgumentException">The algorithm is not supported.</exception>
    public DtlsFingerprint GetFingerprint(string algorithm) =>
        _fingerprintsByAlgorithm.TryGetValue(algorithm, out var fingerprint)
            ? fingerprint
            : throw new ArgumentException($"Unsupported fingerprint algorithm '{algorithm}'.", nameof(algorithm));

    /// <summary>The local <see cref="DtlsParameters"/> to signal for a transport using this certificate.</summary>
    /// <param name="role">The role to announce; mediasoup announces "auto" for server transports.</param>
    public DtlsParameters ToParameters(DtlsRole role = DtlsRole.Auto) => new() { Role = role, Fingerprints = Fingerprints };

    internal string ExportCertificatePem() => new string(PemEncoding.Write("CERTIFICATE", _der));

    internal string ExportPrivateKeyPem()
    {
        PrivateKeyInfo info = PrivateKeyInfoFactory.CreatePrivateKeyInfo(PrivateKey);
        return new string(PemEncoding.Write("PRIVATE KEY", info.GetDerEncoded()));
    }
}
