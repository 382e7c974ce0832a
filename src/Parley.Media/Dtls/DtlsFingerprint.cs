using System.Text.Json.Serialization;

namespace Parley.Media.Dtls;

/// <summary>
/// A certificate fingerprint as signaled in SDP <c>a=fingerprint</c> and in mediasoup's
/// <c>dtlsParameters.fingerprints</c>: a hash algorithm name ("sha-256") and the hash as
/// uppercase hex pairs separated by colons ("AB:CD:...").
/// </summary>
/// <param name="Algorithm">The hash function name from the IANA "Hash Function Textual Names" registry, e.g. "sha-256".</param>
/// <param name="Value">The hash of the DER certificate, as colon-separated hex pairs.</param>
public sealed record DtlsFingerprint(
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("value")] string Value)
{
    /// <summary>The hash algorithms we can compute and check, strongest first.</summary>
    public static IReadOnlyList<string> SupportedAlgorithms { get; } = ["sha-256", "sha-384", "sha-512", "sha-224", "sha-1"];

    /// <summary>Computes the fingerprint of a DER-encoded certificate.</summary>
    /// <param name="algorithm">One of <see cref="SupportedAlgorithms"/> (case-insensitive).</param>
    /// <param name="certificateDer">The certificate in DER form.</param>
    /// <returns>The fingerprint with the algorithm name in lowercase.</returns>
    /// <exception cref="ArgumentException">The algorithm is not supported.</exception>
    public static DtlsFingerprint Compute(string algorithm, ReadOnlySpan<byte> certificateDer)
    {
        Span<byte> hash = stackalloc byte[FingerprintHash.MaxHashLength];
        if (!FingerprintHash.TryHash(algorithm, certificateDer, hash, out int length))
            throw new ArgumentException($"Unsupported fingerprint algorithm '{algorithm}'.", nameof(algorithm));

        return new DtlsFingerprint(algorithm.ToLowerInvariant(), FingerprintHash.Format(hash[..length]));
    }

    /// <summary>
    /// Whether this fingerprint describes <paramref name="certificateDer"/>. Hex case and an
    /// unknown or malformed algorithm or value never throw: they simply do not match.
    /// </summary>
    /// <param name="certificateDer">The certificate the peer presented, in DER form.</param>
    public bool Matches(ReadOnlySpan<byte> certificateDer)
    {
        Span<byte> expected = stackalloc byte[FingerprintHash.MaxHashLength];
        Span<byte> actual = stackalloc byte[FingerprintHash.MaxHashLength];
        if (Algorithm is null || Value is null)
            return false;
        if (!FingerprintHash.TryParse(Value, expected, out int expectedLength))
            return false;
        if (!FingerprintHash.TryHash(Algorithm, certificateDer, actual, out int actualLength))
            return false;

        return expectedLength == actualLength
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected[..expectedLength], actual[..actualLength]);
    }
}
