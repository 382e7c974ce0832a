using Parley.Server.Validation;

namespace Parley.Server.Chat;

/// <summary>
/// The rule for a chat message's text: plain text (stored and sent as given, never read as HTML), trimmed, 1 to
/// <see cref="MaxLength"/> UTF-16 code units (the length a browser's <c>maxlength</c> counts), well-formed, with
/// something visible, and no control characters other than line breaks and tabs.
/// </summary>
internal static class ChatText
{
    public const int MaxLength = 2000;

    /// <summary>The trimmed text, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static string? Normalize(string raw, out string? error)
    {
        var text = raw.Trim();
        if (!TextInput.IsWellFormed(text))
        {
            error = TextInput.LoneSurrogateMessage("text");
            return null;
        }

        if (text.Length == 0 || !TextInput.HasVisibleCharacter(text))
        {
            error = "The message is empty: write something to send";
            return null;
        }

        if (text.Length > MaxLength)
        {
            error = $"The message is {text.Length} characters long; at most {MaxLength} can be sent";
            return null;
        }

        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            error = "The message contains control characters (such as NUL); remove them";
            return null;
        }

        error = null;
        return text;
    }
}
