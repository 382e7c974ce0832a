using Org.BouncyCastle.Tls;

namespace Parley.Media.Dtls;

/// <summary>The DTLS 1.2 cipher suites we negotiate: forward-secret ECDHE with AEAD ciphers only.</summary>
internal static class DtlsCipherSuites
{
    /// <summary>Usable with our ECDSA certificate, so the only ones we accept as server.</summary>
    internal static readonly int[] Ecdsa =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>As client we also accept a server with an RSA certificate.</summary>
    internal static readonly int[] EcdsaAndRsa =
    [
        .. Ecdsa,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];
}
