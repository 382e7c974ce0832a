using System.Security.Cryptography;

namespace Parley.Media.Ortc;

/// <summary>SSRCs the router picks for the streams it sends and maps.</summary>
internal static class SsrcGenerator
{
    /// <summary>A random SSRC in mediasoup's range (nine decimal digits), so never 0 and never near the top of the range.</summary>
    public static uint Next() => (uint)RandomNumberGenerator.GetInt32(100_000_000, 1_000_000_000);
}
