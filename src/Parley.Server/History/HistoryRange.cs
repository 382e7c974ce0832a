using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Parley.Server.History;

/// <summary>The <c>from</c>/<c>to</c>/<c>cursor</c> query parameters of the history lists, parsed and checked.</summary>
internal readonly record struct HistoryRange(DateTime? From, DateTime? To)
{
    /// <summary>Parses <c>from</c> (inclusive) and <c>to</c> (exclusive): ISO-8601 dates or times, UTC unless they say otherwise.</summary>
    public static HistoryRange? Parse(string? from, string? to, out string? error)
    {
        error = null;
        if (!TryParseTime(from, "from", out var start, ref error) || !TryParseTime(to, "to", out var end, ref error))
        {
            return null;
        }

        if (start is not null && end is not null && start >= end)
        {
            error = "'from' must be earlier than 'to'.";
            return null;
        }

        return new HistoryRange(start, end);
    }

    private static bool TryParseTime(string? value, string name, out DateTime? time, ref string? error)
    {
        time = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (value.Length <= 40 && DateTimeOffset.TryParse(
            value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed.UtcDateTime;
            return true;
        }

        error = $"'{name}' must be an ISO-8601 date or time, such as 2026-12-01 or 2026-12-01T09:00:00Z.";
        return false;
    }
}

/// <summary>
/// Where a page of sessions (newest first) stops: the start time and id of its last session. Opaque to clients
/// (base64url of "ticks.id").
/// </summary>
internal readonly record struct SessionCursor(DateTime StartedAt, string Id)
{
    public string Encode() =>
        WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(StartedAt.Ticks.ToString(CultureInfo.InvariantCulture) + "." + Id));

    public static bool TryDecode(string? value, out SessionCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        try
        {
            var text = value.Length <= 200 ? Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(value)) : string.Empty;
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTime.MaxValue.Ticks && Parley.Data.IdGenerator.IsWellFormed(text[(dot + 1)..]))
            {
                cursor = new SessionCursor(new DateTime(ticks, DateTimeKind.Utc), text[(dot + 1)..]);
                return true;
            }
        }
        catch (FormatException)
        {
            // Not base64url: refused below.
        }

        return false;
    }
}
