namespace Parley.Media.Stun;

/// <summary>Fixed numbers of the STUN wire format (RFC 8489 §5, §14).</summary>
internal static class StunConstants
{
    public const int HeaderLength = 20;
    public const int AttributeHeaderLength = 4;
    public const int TransactionIdLength = 12;
    public const uint MagicCookie = 0x2112A442;
    public const int MessageIntegrityLength = 20;
    public const int MessageIntegrityAttributeLength = AttributeHeaderLength + MessageIntegrityLength;
    public const int FingerprintAttributeLength = AttributeHeaderLength + 4;

    /// <summary>XORed into the CRC-32 so that FINGERPRINT differs from CRCs other protocols might carry (RFC 8489 §14.7).</summary>
    public const uint FingerprintXor = 0x5354554E;
}

/// <summary>Attribute types (RFC 8489 §18.3, RFC 8445 §16.1, and the Google extensions Chromium sends).</summary>
internal static class StunAttributeType
{
    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort UnknownAttributes = 0x000A;
    public const ushort Realm = 0x0014;
    public const ushort Nonce = 0x0015;
    public const ushort MessageIntegritySha256 = 0x001C;
    public const ushort PasswordAlgorithm = 0x001D;
    public const ushort Userhash = 0x001E;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort PasswordAlgorithms = 0x8002;
    public const ushort AlternateDomain = 0x8003;
    public const ushort Software = 0x8022;
    public const ushort AlternateServer = 0x8023;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;

    /// <summary>Chromium's renomination attribute (comprehension-optional, skipped).</summary>
    public const ushort GoogNomination = 0xC001;

    /// <summary>Chromium's network id and cost (comprehension-optional, skipped).</summary>
    public const ushort GoogNetworkInfo = 0xC057;

    /// <summary>Types 0x0000-0x7FFF must be understood by the receiver (RFC 8489 §14).</summary>
    public static bool IsComprehensionRequired(ushort type) => type < 0x8000;
}

/// <summary>ERROR-CODE values a binding responder uses (RFC 8489 §14.8, RFC 8445 §7.3.1.1).</summary>
internal static class StunErrorCode
{
    public const int BadRequest = 400;
    public const int Unauthorized = 401;
    public const int UnknownAttribute = 420;
    public const int RoleConflict = 487;

    public static string ReasonPhrase(int code) => code switch
    {
        BadRequest => "Bad Request",
        Unauthorized => "Unauthorized",
        UnknownAttribute => "Unknown Attribute",
        RoleConflict => "Role Conflict",
        _ => "Error",
    };
}
