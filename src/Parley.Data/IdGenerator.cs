using System.Security.Cryptography;

namespace Parley.Data;

/// <summary>
/// Opaque, unguessable, URL-safe ids in the cuid2 style: a lowercase letter, then random lowercase
/// base36 characters (24 characters, about 124 bits of randomness).
/// </summary>
public static class IdGenerator
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";
    private const string Base36 = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>The length of every id this generator returns.</summary>
    public const int Length = 24;

    /// <summary>
    /// Whether <paramref name="value"/> could be an id stored by Parley: 1–64 characters from
    /// <c>[A-Za-z0-9_-]</c>. Anything else (say, a NUL byte PostgreSQL would refuse) is not looked up.
    /// </summary>
    public static bool IsWellFormed(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 64)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public static string NewId()
    {
        Span<char> id = stackalloc char[Length];
        RandomNumberGenerator.GetItems(Letters.AsSpan(), id[..1]);
        RandomNumberGenerator.GetItems(Base36.AsSpan(), id[1..]);
        return new string(id);
    }
}
