using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Parley.Server.History;

/// <summary>
/// The history lists as CSV (RFC 4180: a header row, CRLF line ends, fields quoted when they hold a comma, quote or
/// line break), for a client that sends <c>Accept: text/csv</c>. A text field that a spreadsheet would run as a
/// formula (starting with = + - @) gets a leading apostrophe.
/// </summary>
internal static class HistoryCsv
{
    public const string MediaType = "text/csv";

    public static bool IsWanted(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase));

    public static FileContentHttpResult Sessions(IEnumerable<SessionDto> sessions, string fileName) => File(
        fileName,
        ["id", "roomId", "startedAt", "endedAt", "peakParticipants", "participantCount"],
        sessions.Select(s => new object?[] { s.Id, s.RoomId, s.StartedAt, s.EndedAt, s.PeakParticipants, s.ParticipantCount }));

    public static FileContentHttpResult Attendance(IEnumerable<AttendanceDto> attendance, string fileName) => File(
        fileName,
        ["userId", "name", "joinedAt", "leftAt", "seconds", "usedCam", "usedScreen"],
        attendance.Select(a => new object?[] { a.UserId, a.Name, a.JoinedAt, a.LeftAt, a.Seconds, a.UsedCam, a.UsedScreen }));

    public static FileContentHttpResult Series(IEnumerable<StatsBucketDto> series, string fileName) => File(
        fileName,
        ["start", "sessions", "participantMinutes"],
        series.Select(b => new object?[] { b.Start, b.Sessions, b.ParticipantMinutes }));

    public static FileContentHttpResult MySessions(IEnumerable<MySessionDto> sessions, string fileName) => File(
        fileName,
        ["id", "roomId", "roomName", "startedAt", "endedAt", "peakParticipants", "participantCount", "seconds"],
        sessions.Select(s => new object?[] { s.Id, s.RoomId, s.RoomName, s.StartedAt, s.EndedAt, s.PeakParticipants, s.ParticipantCount, s.Seconds }));

    private static FileContentHttpResult File(string fileName, string[] header, IEnumerable<object?[]> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', header).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(Field)).Append("\r\n");
        }

        return TypedResults.File(
            Encoding.UTF8.GetBytes(text.ToString()), new MediaTypeHeaderValue(MediaType) { Charset = "utf-8" }.ToString(), fileName);
    }

    private static string Field(object? value) => value switch
    {
        null => string.Empty,
        DateTime time => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        string text => Quote(text),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? string.Empty),
    };

    private static string Quote(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@')
        {
            text = "'" + text;
        }

        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
