using System.Net;
using Parley.Media.Dtls;
using Parley.Media.Srtp;

namespace Parley.Media.Tests.Dtls;

/// <summary>Our DTLS transport against Debian's OpenSSL (<c>openssl s_client</c> / <c>s_server</c>) over real UDP.</summary>
public sealed class OpenSslInteropTests : IClassFixture<OpenSslCertificates>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly OpenSslCertificates _certificates;

    public OpenSslInteropTests(OpenSslCertificates certificates)
    {
        _certificates = certificates;
    }

    public static TheoryData<object, string> Profiles => new()
    {
        { SrtpProfile.AeadAes256Gcm, "SRTP_AEAD_AES_256_GCM" },
        { SrtpProfile.AeadAes128Gcm, "SRTP_AEAD_AES_128_GCM" },
        { SrtpProfile.AesCm128HmacSha1_80, "SRTP_AES128_CM_SHA1_80" },
        { SrtpProfile.AesCm128HmacSha1_32, "SRTP_AES128_CM_SHA1_32" },
    };

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Our_server_and_openssl_client_export_the_same_srtp_keys(object profileCase, string opensslProfile)
    {
        var profile = (SrtpProfile)profileCase;
        using var bridge = new UdpDtlsBridge(TestCertificates.Server);
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Server, [FingerprintOf(_certificates.EcdsaCertificatePath)]);
        int length = DtlsSrtpKeys.KeyingMaterialLength(profile);

        using var client = OpenSslProcess.Start(
            "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{bridge.Port}",
            "-cert", _certificates.EcdsaCertificatePath, "-key", _certificates.EcdsaKeyPath,
            "-use_srtp", opensslProfile,
            "-keymatexport", DtlsSrtpKeys.ExporterLabel, "-keymatexportlen", length.ToString());

        await bridge.States.WaitForAsync(DtlsState.Connected);
        string material = await client.WaitForLineAsync("Keying material:", Patience);
        string negotiated = await client.WaitForLineAsync("SRTP Extension negotiated, profile=", Patience);

        DtlsSrtpKeys keys = bridge.Transport.SrtpKeys!;
        Assert.Equal(profile, keys.Profile);
        Assert.Equal(opensslProfile, negotiated);
        // We are the server: remote = client_write, local = server_write (RFC 5764 §4.2 layout).
        Assert.Equal(material, Layout(keys.RemoteMasterKey, keys.LocalMasterKey, keys.RemoteMasterSalt, keys.LocalMasterSalt));
        Assert.Contains("Extended master secret: yes", client.Output);
    }

    [Fact]
    public async Task Openssl_client_closing_sends_close_notify_and_our_server_closes()
    {
        using var bridge = new UdpDtlsBridge(TestCertificates.Server);
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Server, [FingerprintOf(_certificates.EcdsaCertificatePath)]);
        using var client = OpenSslProcess.Start(
            "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{bridge.Port}",
            "-cert", _certificates.EcdsaCertificatePath, "-key", _certificates.EcdsaKeyPath,
            "-use_srtp", "SRTP_AES128_CM_SHA1_80");
        await bridge.States.WaitForAsync(DtlsState.Connected);
        await client.WaitForLineAsync("SRTP Extension negotiated", Patience);

        client.CloseInput();

        string? reason = await bridge.States.WaitForAsync(DtlsState.Closed);
        Assert.Contains("close_notify", reason);
    }

    [Fact]
    public async Task Our_server_rejects_an_openssl_client_whose_certificate_does_not_match()
    {
        using var bridge = new UdpDtlsBridge(TestCertificates.Server);
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Server, [TestCertificates.Stranger.Sha256Fingerprint]);

        using var client = OpenSslProcess.Start(
            "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{bridge.Port}",
            "-cert", _certificates.EcdsaCertificatePath, "-key", _certificates.EcdsaKeyPath,
            "-use_srtp", "SRTP_AES128_CM_SHA1_80");

        string? reason = await bridge.States.WaitForAsync(DtlsState.Failed);
        Assert.Contains("fingerprint", reason);
        Assert.Null(bridge.Transport.SrtpKeys);
        Assert.True(client.WaitForExit(Patience), "openssl should give up after our alert.");
        Assert.Contains("bad certificate", client.Output);
    }

    [Fact]
    public async Task Our_server_requires_a_client_certificate()
    {
        using var bridge = new UdpDtlsBridge(TestCertificates.Server);
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Server, [FingerprintOf(_certificates.EcdsaCertificatePath)]);

        using var client = OpenSslProcess.Start(
            "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{bridge.Port}", "-use_srtp", "SRTP_AES128_CM_SHA1_80");

        string? reason = await bridge.States.WaitForAsync(DtlsState.Failed);
        Assert.Contains("no certificate", reason);
    }

    [Theory]
    [InlineData("-dtls1")]
    [InlineData("-cipher", "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384")]
    [InlineData("-sigalgs", "ECDSA+SHA1")]
    public async Task Our_server_refuses_dtls10_cbc_ciphers_and_sha1_only_signatures(params string[] restriction)
    {
        using var bridge = new UdpDtlsBridge(TestCertificates.Server);
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Server, [FingerprintOf(_certificates.EcdsaCertificatePath)]);
        string[] version = restriction[0] == "-dtls1" ? [] : ["-dtls1_2"];

        using var client = OpenSslProcess.Start(
            ["s_client", .. version, .. restriction, "-connect", $"127.0.0.1:{bridge.Port}",
            "-cert", _certificates.EcdsaCertificatePath, "-key", _certificates.EcdsaKeyPath,
            "-use_srtp", "SRTP_AES128_CM_SHA1_80"]);

        await bridge.States.WaitForAsync(DtlsState.Failed);
        Assert.Null(bridge.Transport.SrtpKeys);
    }

    [Fact]
    public async Task Our_server_refuses_a_client_that_does_not_offer_use_srtp()
    {
        using var bridge = new UdpDtlsBridge(TestCertificates.Server);
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Server, [FingerprintOf(_certificates.EcdsaCertificatePath)]);

        using var client = OpenSslProcess.Start(
            "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{bridge.Port}",
            "-cert", _certificates.EcdsaCertificatePath, "-key", _certificates.EcdsaKeyPath);

        string? reason = await bridge.States.WaitForAsync(DtlsState.Failed);
        Assert.Contains("use_srtp", reason);
    }

    [Fact]
    public async Task Our_client_refuses_a_server_that_does_not_answer_use_srtp()
    {
        int port = UdpDtlsBridge.FreeUdpPort();
        using var server = OpenSslProcess.Start(
            "s_server", "-dtls1_2", "-accept", $"127.0.0.1:{port}", "-naccept", "1",
            "-cert", _certificates.EcdsaCertificatePath, "-key", _certificates.EcdsaKeyPath);
        await server.WaitForLineAsync("ACCEPT", Patience);

        using var bridge = new UdpDtlsBridge(TestCertificates.Client, peer: new IPEndPoint(IPAddress.Loopback, port));
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Client, [FingerprintOf(_certificates.EcdsaCertificatePath)]);

        string? reason = await bridge.States.WaitForAsync(DtlsState.Failed);
        Assert.Contains("use_srtp", reason);
    }

    [Fact]
    public async Task Our_server_refuses_a_client_certificate_that_is_neither_ecdsa_nor_rsa()
    {
        using var bridge = new UdpDtlsBridge(TestCertificates.Server);
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Server, [FingerprintOf(_certificates.Ed25519CertificatePath)]);

        using var client = OpenSslProcess.Start(
            "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{bridge.Port}",
            "-cert", _certificates.Ed25519CertificatePath, "-key", _certificates.Ed25519KeyPath,
            "-use_srtp", "SRTP_AES128_CM_SHA1_80");

        string? reason = await bridge.States.WaitForAsync(DtlsState.Failed);
        Assert.Null(bridge.Transport.SrtpKeys);
        Assert.Contains("neither ECDSA nor RSA", reason);
    }

    [Theory]
    [InlineData("ecdsa")]
    [InlineData("rsa")]
    public async Task Our_client_and_openssl_server_export_the_same_srtp_keys(string keyType)
    {
        (string certificate, string key) = keyType == "rsa"
            ? (_certificates.RsaCertificatePath, _certificates.RsaKeyPath)
            : (_certificates.EcdsaCertificatePath, _certificates.EcdsaKeyPath);
        int port = UdpDtlsBridge.FreeUdpPort();
        using var server = OpenSslProcess.Start(
            "s_server", "-dtls1_2", "-accept", $"127.0.0.1:{port}", "-naccept", "1",
            "-cert", certificate, "-key", key, "-verify", "1",
            "-use_srtp", "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80",
            "-keymatexport", DtlsSrtpKeys.ExporterLabel, "-keymatexportlen", "56");
        await server.WaitForLineAsync("ACCEPT", Patience);

        using var bridge = new UdpDtlsBridge(TestCertificates.Client, peer: new IPEndPoint(IPAddress.Loopback, port));
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Client, [FingerprintOf(certificate)]);

        await bridge.States.WaitForAsync(DtlsState.Connected);
        string material = await server.WaitForLineAsync("Keying material:", Patience);

        DtlsSrtpKeys keys = bridge.Transport.SrtpKeys!;
        Assert.Equal(SrtpProfile.AeadAes128Gcm, keys.Profile);
        // We are the client: local = client_write, remote = server_write.
        Assert.Equal(material, Layout(keys.LocalMasterKey, keys.RemoteMasterKey, keys.LocalMasterSalt, keys.RemoteMasterSalt));
        Assert.Contains("CN = Parley test client", server.Output);
        Assert.Equal(OpenSslCertificates.ReadDer(certificate), bridge.Transport.RemoteCertificate!.Value.ToArray());
    }

    [Fact]
    public async Task Our_client_rejects_an_openssl_server_whose_certificate_does_not_match()
    {
        int port = UdpDtlsBridge.FreeUdpPort();
        using var server = OpenSslProcess.Start(
            "s_server", "-dtls1_2", "-accept", $"127.0.0.1:{port}", "-naccept", "1",
            "-cert", _certificates.EcdsaCertificatePath, "-key", _certificates.EcdsaKeyPath,
            "-use_srtp", "SRTP_AES128_CM_SHA1_80");
        await server.WaitForLineAsync("ACCEPT", Patience);

        using var bridge = new UdpDtlsBridge(TestCertificates.Client, peer: new IPEndPoint(IPAddress.Loopback, port));
        bridge.StartReceiving();
        bridge.Transport.Start(DtlsRole.Client, [TestCertificates.Stranger.Sha256Fingerprint]);

        string? reason = await bridge.States.WaitForAsync(DtlsState.Failed);
        Assert.Contains("fingerprint", reason);
        Assert.Null(bridge.Transport.SrtpKeys);
    }

    private static DtlsFingerprint FingerprintOf(string pemPath) =>
        DtlsFingerprint.Compute("sha-256", OpenSslCertificates.ReadDer(pemPath));

    private static string Layout(ReadOnlyMemory<byte> clientKey, ReadOnlyMemory<byte> serverKey, ReadOnlyMemory<byte> clientSalt, ReadOnlyMemory<byte> serverSalt) =>
        Convert.ToHexString([.. clientKey.Span, .. serverKey.Span, .. clientSalt.Span, .. serverSalt.Span]);
}
