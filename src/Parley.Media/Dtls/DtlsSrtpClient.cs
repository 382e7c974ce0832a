using Org.BouncyCastle.Tls;
using Parley.Media.Srtp;

namespace Parley.Media.Dtls;

/// <summary>Our DTLS 1.2 client role: offers use_srtp with our profiles and always presents our certificate.</summary>
internal sealed class DtlsSrtpClient : DefaultTlsClient
{
    private readonly DtlsHandshakeContext _handshake;
    private SrtpProfile? _selectedProfile;

    internal DtlsSrtpClient(DtlsHandshakeContext handshake)
        : base(handshake.Crypto)
    {
        _handshake = handshake;
    }

    public override bool IgnoreCorruptDtlsRecords => true;

    public override int GetHandshakeTimeoutMillis() => _handshake.RemainingHandshakeMillis;

    public override int GetHandshakeResendTimeMillis() => _handshake.InitialRetransmitMillis;

    public override bool RequiresExtendedMasterSecret() => true;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        int[] profiles = DtlsSrtpProfileSelection.ToWire(_handshake.Options.SrtpProfiles);
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(profiles, TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);

        UseSrtpData? chosen = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (chosen is null)
            throw _handshake.Fail(AlertDescription.handshake_failure, "The server did not accept use_srtp.");

        // RFC 5764 §4.1.1: one profile, one we offered, and an MKI only if we sent one (we never do).
        int[] profiles = chosen.ProtectionProfiles;
        bool offered = profiles.Length == 1 && _handshake.Options.SrtpProfiles.Contains((SrtpProfile)profiles[0]);
        if (!offered || chosen.Mki.Length != 0)
            throw _handshake.Fail(AlertDescription.illegal_parameter, "The server's use_srtp answer is not one of our offers.");

        _selectedProfile = (SrtpProfile)profiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

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

    protected override int[] GetSupportedCipherSuites() => DtlsCipherSuites.EcdsaAndRsa;

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client._handshake.VerifyRemoteCertificate(serverCertificate.Certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client._handshake.CreateSigner(client.m_context);
    }
}
