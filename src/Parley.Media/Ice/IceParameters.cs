namespace Parley.Media.Ice;

/// <summary>
/// Local ICE credentials as signaled to the peer, in the shape mediasoup-client expects
/// (<c>{usernameFragment, password, iceLite}</c>).
/// </summary>
/// <param name="UsernameFragment">The local ufrag (ice-chars, at least 4).</param>
/// <param name="Password">The local password (ice-chars, at least 22); the MESSAGE-INTEGRITY key.</param>
/// <param name="IceLite">Always true: Parley answers checks and never sends them (RFC 8445 §2.5).</param>
public sealed record IceParameters(string UsernameFragment, string Password, bool IceLite = true)
{
    private const string UfragCharacters = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string PasswordCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Length of generated ufrags; well above the minimum of 4 so that ufrags route packets uniquely.</summary>
    public const int GeneratedUfragLength = 16;

    /// <summary>Length of generated passwords (at least 22 required; 32 gives 192 bits).</summary>
    public const int GeneratedPasswordLength = 32;

    /// <summary>Fresh random credentials from the system CSPRNG.</summary>
    public static IceParameters Generate() => new(
        System.Security.Cryptography.RandomNumberGenerator.GetString(UfragCharacters, GeneratedUfragLength),
        System.Security.Cryptography.RandomNumberGenerator.GetString(PasswordCharacters, GeneratedPasswordLength));
}
