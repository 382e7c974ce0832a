namespace Parley.Data;

/// <summary>The join-code format: six characters that can be read aloud (no O, 0, I or 1).</summary>
public static class JoinCodes
{
    public const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public const int Length = 6;

    /// <summary>
    /// The stored (upper-case) form of <paramref name="input"/>, or null when it cannot be a join code
    /// (wrong length or a character outside the alphabet after upper-casing).
    /// </summary>
    public static string? Normalize(string? input)
    {
        if (input is null || input.Length != Length)
        {
            return null;
        }

        Span<char> code = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            var c = char.ToUpperInvariant(input[i]);
            if (!Alphabet.Contains(c))
            {
                return null;
            }

            code[i] = c;
        }

        return new string(code);
    }
}
