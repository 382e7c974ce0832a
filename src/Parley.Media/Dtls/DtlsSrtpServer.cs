using Org.BouncyCastle.Tls;
using Parley.Media.Srtp;

namespace Parley.Media.Dtls;

/// <summary>Our DTLS 1.2 server role: ECDSA certificate, client certificate required, use_srtp required.</summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    private readonly DtlsHandshakeContext _handshake;
    private SrtpProfile? _selectedProfile;

    internal DtlsSrtpServer(DtlsHandshakeContext handshake)
        : base(handshake.Crypto)
    {
        _handshake = handshake;
    }

    public override bool IgnoreCorruptDtlsRecords => true;

    public override int GetHandshakeTimeoutMillis() => _handshake.RemainingHandshakeMillis;

    public override int GetHandshakeResendTimeMillis() => _handshake.InitialRetransmitMillis;

    public override bool RequiresExtendedMasterSecret() => true;

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);

        UseSrtpData? offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is null)
            throw _handshake.Fail(AlertDescription.handshake_failure, "The client did not offer use_srtp.");
        if (!DtlsSrtpProfileSelection.TrySelect(_handshake.Options.SrtpProfiles, offered.ProtectionProfiles, out SrtpProfile selected))
            throw _handshake.Fail(AlertDescription.handshake_failure, "The client offered no SRTP profile we support.");

        _selectedProfile = selected;
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        // RFC 5764 §4.1.1: the server answers with exactly one profile and we never use an MKI.
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)_selectedProfile!.Value], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest()
    {
        short[] certificateTypes = [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign];
        var signatureAlgorithms = TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context);
        return new CertificateRequest(certificateTypes, signatureAlgorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        _handshake.VerifyRemoteCertificate(clientCertificate);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _handshake.ExportKeys(m_context, _selectedProfile!.Value);
    }

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _handshake.OnAlertRaised(alertLevel, alertDescription, message);

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _handshake.OnAlertReceived(alertLevel, alertDescription);

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsCipherSuites.Ecdsa;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _handshake.CreateSigner(m_context);
}
