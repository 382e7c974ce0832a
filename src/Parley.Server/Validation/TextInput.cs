using System.Globalization;
using System.Text;

namespace Parley.Server.Validation;

/// <summary>
/// The rules for text people send (HTTP bodies and hub payloads alike): well-formed UTF-16, and names that show
/// something. One place, so that the API and the hub refuse the same strings with the same words.
/// </summary>
public static class TextInput
{
    /// <summary>Whether every surrogate in <paramref name="text"/> is half of a pair (no lone surrogate).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                return false;
            }

            i++;
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="text"/> has at least one character a reader sees: a letter, digit, punctuation
    /// mark or symbol. Whitespace, control and format characters (zero-width space, ZWJ, BOM) and the blank
    /// "letters" (Hangul fillers) alone make a name nobody can see.
    /// </summary>
    public static bool HasVisibleCharacter(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsBlankLetter(rune.Value))
            {
                continue;
            }

            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                    or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                    or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                    or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                    or UnicodeCategory.OtherPunctuation
                    or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The refusal for a string with a lone surrogate, naming the field.</summary>
    public static string LoneSurrogateMessage(string field) =>
        $"\"{field}\" is not valid text: it contains a lone UTF-16 surrogate (half of a character). Send well-formed Unicode.";

    /// <summary>
    /// The display-name rule shared by people and rooms: trimmed, 1 to <paramref name="maxLength"/> characters,
    /// well-formed, no control characters, and at least one visible character.
    /// </summary>
    /// <returns>The trimmed name, or null with <paramref name="error"/> naming <paramref name="field"/> and saying what is wrong.</returns>
    public static string? NormalizeName(string? raw, string field, string what, int maxLength, out string? error)
    {
        var name = raw?.Trim();
        if (name is not null && !IsWellFormed(name))
        {
            error = LoneSurrogateMessage(field);
            return null;
        }

        if (string.IsNullOrEmpty(name))
        {
            error = $"Send \"{field}\": {what}, 1 to {maxLength} characters.";
            return null;
        }

        if (name.Length > maxLength)
        {
            error = $"\"{field}\" is {name.Length} characters long; use at most {maxLength}.";
            return null;
        }

        if (name.Any(char.IsControl))
        {
            error = $"\"{field}\" contains control characters (such as NUL or a line break); remove them.";
            return null;
        }

        if (!HasVisibleCharacter(name))
        {
            error = $"\"{field}\" has no visible character (only spaces, zero-width or other invisible characters); use letters, digits or symbols.";
            return null;
        }

        error = null;
        return name;
    }

    // Hangul fillers and the halfwidth filler are "letters" that draw nothing; Braille blank is a symbol that draws nothing.
    private static bool IsBlankLetter(int codePoint) =>
        codePoint is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800;
}
