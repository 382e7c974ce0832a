using Parley.Media.Srtp;

namespace Parley.Media.Dtls;

/// <summary>
/// The SRTP master keys and salts exported from a completed DTLS handshake (RFC 5764 §4.2),
/// already assigned to directions by our role: "local" protects what we send, "remote"
/// unprotects what we receive.
/// </summary>
internal sealed class DtlsSrtpKeys
{
    /// <summary>The RFC 5705 exporter label for DTLS-SRTP.</summary>
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    private DtlsSrtpKeys(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt)
    {
        Profile = profile;
        LocalMasterKey = localKey;
        LocalMasterSalt = localSalt;
        RemoteMasterKey = remoteKey;
        RemoteMasterSalt = remoteSalt;
    }

    /// <summary>The negotiated protection profile.</summary>
    public SrtpProfile Profile { get; }

    /// <summary>The master key for the SRTP/SRTCP we send.</summary>
    public ReadOnlyMemory<byte> LocalMasterKey { get; }

    /// <summary>The master salt for the SRTP/SRTCP we send.</summary>
    public ReadOnlyMemory<byte> LocalMasterSalt { get; }

    /// <summary>The master key for the SRTP/SRTCP we receive.</summary>
    public ReadOnlyMemory<byte> RemoteMasterKey { get; }

    /// <summary>The master salt for the SRTP/SRTCP we receive.</summary>
    public ReadOnlyMemory<byte> RemoteMasterSalt { get; }

    /// <summary>How many bytes to export for <paramref name="profile"/>: 2 × (key + salt).</summary>
    internal static int KeyingMaterialLength(SrtpProfile profile) =>
        2 * (SrtpProfileInfo.MasterKeyLength(profile) + SrtpProfileInfo.MasterSaltLength(profile));

    /// <summary>
    /// Splits exported keying material laid out as client_write_key | server_write_key |
    /// client_write_salt | server_write_salt (RFC 5764 §4.2) by our role.
    /// </summary>
    internal static DtlsSrtpKeys FromKeyingMaterial(SrtpProfile profile, ReadOnlySpan<byte> material, bool weAreClient)
    {
        int keyLength = SrtpProfileInfo.MasterKeyLength(profile);
        int saltLength = SrtpProfileInfo.MasterSaltLength(profile);
        if (material.Length != 2 * (keyLength + saltLength))
            throw new ArgumentException($"Expected {2 * (keyLength + saltLength)} bytes of keying material for {profile}.", nameof(material));

        byte[] clientKey = material.Slice(0, keyLength).ToArray();
        byte[] serverKey = material.Slice(keyLength, keyLength).ToArray();
        byte[] clientSalt = material.Slice(2 * keyLength, saltLength).ToArray();
        byte[] serverSalt = material.Slice(2 * keyLength + saltLength, saltLength).ToArray();

        return weAreClient
            ? new DtlsSrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt)
            : new DtlsSrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt);
    }
}
