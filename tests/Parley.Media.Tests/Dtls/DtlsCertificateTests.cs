using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsCertificateTests
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate();

    [Fact]
    public void Is_a_self_signed_ecdsa_p256_certificate_named_parley()
    {
        using var parsed = X509CertificateLoader.LoadCertificate(Certificate.RawData.Span);
        using ECDsa? key = parsed.GetECDsaPublicKey();

        Assert.Equal("CN=Parley", parsed.Subject);
        Assert.Equal(parsed.Subject, parsed.Issuer);
        Assert.Equal("CN=Parley", Certificate.Subject);
        Assert.NotNull(key);
        Assert.Equal("1.2.840.10045.3.1.7", key.ExportParameters(false).Curve.Oid.Value);
        Assert.Equal("1.2.840.10045.4.3.2", parsed.SignatureAlgorithm.Value);
        Assert.Equal(parsed.SerialNumber, Certificate.SerialNumber.PadLeft(parsed.SerialNumber.Length, '0'));
    }

    [Fact]
    public void Its_signature_verifies_with_its_own_key()
    {
        var parsed = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(Certificate.RawData.ToArray());

        parsed.Verify(parsed.GetPublicKey());
    }

    [Fact]
    public void Is_valid_now_for_about_thirty_days()
    {
        Assert.True(Certificate.NotBefore <= DateTimeOffset.UtcNow);
        TimeSpan remaining = Certificate.NotAfter - DateTimeOffset.UtcNow;
        Assert.InRange(remaining, TimeSpan.FromDays(30) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(30));
    }

    [Fact]
    public void Honors_a_custom_name_and_validity()
    {
        DtlsCertificate custom = DtlsCertificate.Generate("worker-1", TimeSpan.FromDays(2));

        Assert.Equal("CN=worker-1", custom.Subject);
        Assert.InRange(custom.NotAfter - DateTimeOffset.UtcNow, TimeSpan.FromDays(2) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(2));
    }

    [Fact]
    public void Fingerprints_agree_with_dotnet_hashes_of_the_der()
    {
        using var parsed = X509CertificateLoader.LoadCertificate(Certificate.RawData.Span);

        Assert.Equal(Colons(parsed.GetCertHashString(HashAlgorithmName.SHA256)), Certificate.Sha256Fingerprint.Value);
        Assert.Equal(Colons(parsed.GetCertHashString(HashAlgorithmName.SHA1)), Certificate.GetFingerprint("sha-1").Value);
        Assert.Equal(Colons(parsed.GetCertHashString(HashAlgorithmName.SHA512)), Certificate.GetFingerprint("SHA-512").Value);
        Assert.Equal(DtlsFingerprint.SupportedAlgorithms, Certificate.Fingerprints.Select(f => f.Algorithm));
        Assert.Equal("sha-256", Certificate.Sha256Fingerprint.Algorithm);
        Assert.Throws<ArgumentException>(() => Certificate.GetFingerprint("md5"));
    }

    [Fact]
    public void Openssl_reads_the_pem_export_and_computes_the_same_fingerprint()
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("parley-cert-");
        try
        {
            string certificatePath = Path.Combine(directory.FullName, "cert.pem");
            string keyPath = Path.Combine(directory.FullName, "key.pem");
            File.WriteAllText(certificatePath, Certificate.ExportCertificatePem());
            File.WriteAllText(keyPath, Certificate.ExportPrivateKeyPem());

            string fingerprint = OpenSslProcess.Run(TimeSpan.FromSeconds(30), "x509", "-noout", "-fingerprint", "-sha256", "-in", certificatePath);
            string keyPublic = OpenSslProcess.Run(TimeSpan.FromSeconds(30), "pkey", "-in", keyPath, "-pubout");
            string certificatePublic = OpenSslProcess.Run(TimeSpan.FromSeconds(30), "x509", "-noout", "-pubkey", "-in", certificatePath);

            Assert.Equal("sha256 Fingerprint=" + Certificate.Sha256Fingerprint.Value, fingerprint.Trim(), ignoreCase: true);
            Assert.Equal(certificatePublic.Trim(), keyPublic.Trim());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_certificate_is_new()
    {
        DtlsCertificate other = DtlsCertificate.Generate();

        Assert.NotEqual(Certificate.SerialNumber, other.SerialNumber);
        Assert.NotEqual(Certificate.Sha256Fingerprint, other.Sha256Fingerprint);
    }

    [Fact]
    public void Parameters_carry_the_role_and_every_fingerprint()
    {
        DtlsParameters parameters = Certificate.ToParameters(DtlsRole.Server);

        Assert.Equal(DtlsRole.Server, parameters.Role);
        Assert.Equal(Certificate.Fingerprints, parameters.Fingerprints);
    }

    private static string Colons(string hex) => string.Join(':', hex.Chunk(2).Select(pair => new string(pair)));
}
