using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Data;
using Parley.Server.Auth;
using Parley.Server.Http;

namespace Parley.Server.History;

/// <summary>Room history over HTTP: sessions, attendance and statistics (hosts of the room), and one's own history.</summary>
public static class HistoryEndpoints
{
    /// <summary>Sessions per page of the JSON lists; CSV carries every row of the range.</summary>
    internal const int PageSize = 50;

    /// <summary>The most rows one CSV export carries.</summary>
    internal const int MaxCsvRows = 100_000;

    /// <summary>The default stats range, ending now, when <c>from</c> is not given.</summary>
    internal static readonly TimeSpan DefaultStatsRange = TimeSpan.FromDays(30);

    /// <summary>The most buckets one stats answer carries.</summary>
    internal const int MaxBuckets = 400;

    public static IEndpointRouteBuilder MapHistoryEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("History").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapGet("/rooms/{roomId}/sessions", ListSessionsAsync).WithCsv<SessionPageResponse>().ForHosts();
        api.MapGet("/rooms/{roomId}/stats", StatsAsync).WithCsv<RoomStatsResponse>().ForHosts();
        api.MapGet("/sessions/{sessionId}", GetSessionAsync).WithCsv<SessionDetailResponse>().ForHosts();
        api.MapDelete("/sessions/{sessionId}", DeleteSessionAsync).ForHosts().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/me/history", MyHistoryAsync).WithCsv<MyHistoryResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    /// <summary>
    /// 200 as JSON (<typeparamref name="T"/>) or as CSV. The document can give one schema per status only, so the
    /// CSV entry carries the JSON shape too; its columns are in docs/http-api.md.
    /// </summary>
    private static RouteHandlerBuilder WithCsv<T>(this RouteHandlerBuilder builder) =>
        builder.Produces<T>(StatusCodes.Status200OK, "application/json", HistoryCsv.MediaType)
            .WithDescription("Answers text/csv instead of JSON when the request's Accept header asks for it (columns in docs/http-api.md).");

    private static RouteHandlerBuilder ForHosts(this RouteHandlerBuilder builder) => builder
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<SessionPageResponse>, FileContentHttpResult, ProblemHttpResult>> ListSessionsAsync(
        string roomId, string? from, string? to, string? cursor, HttpRequest request, ClaimsPrincipal principal, HistoryQueries history,
        CancellationToken cancellationToken)
    {
        if (ParseRange(from, to, cursor, out var range, out var after) is { } bad)
        {
            return bad;
        }

        if (await Deny(history, roomId, principal, cancellationToken) is { } denied)
        {
            return denied;
        }

        if (HistoryCsv.IsWanted(request))
        {
            var (all, _) = await history.ListSessionsAsync(roomId, range, after, MaxCsvRows, cancellationToken);
            return HistoryCsv.Sessions(all, $"sessions-{roomId}.csv");
        }

        var (sessions, next) = await history.ListSessionsAsync(roomId, range, after, PageSize, cancellationToken);
        return TypedResults.Ok(new SessionPageResponse(sessions, next));
    }

    private static async Task<Results<Ok<SessionDetailResponse>, FileContentHttpResult, ProblemHttpResult>> GetSessionAsync(
        string sessionId, HttpRequest request, ClaimsPrincipal principal, HistoryQueries history, CancellationToken cancellationToken)
    {
        var (session, access) = await history.FindSessionAsync(sessionId, principal.GetUserId()!, cancellationToken);
        if (Refusal(access, session is null ? null : sessionId) is { } refused)
        {
            return refused;
        }

        var attendance = await history.ListAttendanceAsync(sessionId, cancellationToken);
        return HistoryCsv.IsWanted(request)
            ? HistoryCsv.Attendance(attendance, $"attendance-{sessionId}.csv")
            : TypedResults.Ok(new SessionDetailResponse(HistoryQueries.ToDto(session!), attendance));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSessionAsync(
        string sessionId, ClaimsPrincipal principal, HistoryQueries history, ILogger<HistoryQueries> logger, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId()!;
        var (session, access) = await history.FindSessionAsync(sessionId, userId, cancellationToken);
        if (Refusal(access, session is null ? null : sessionId) is { } refused)
        {
            return refused;
        }

        if (!await history.DeleteSessionAsync(sessionId, cancellationToken))
        {
            return Problems.Conflict("This meeting is still going on; its record can be deleted once it has ended.");
        }

        HistoryLog.SessionDeleted(logger, userId, sessionId, session!.RoomId);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<RoomStatsResponse>, FileContentHttpResult, ProblemHttpResult>> StatsAsync(
        string roomId, string? from, string? to, string? bucket, HttpRequest request, ClaimsPrincipal principal, HistoryQueries history,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (ParseRange(from, to, null, out var range, out _) is { } bad)
        {
            return bad;
        }

        StatsBucket size;
        switch (bucket)
        {
            case null or "" or "day":
                size = StatsBucket.Day;
                break;
            case "week":
                size = StatsBucket.Week;
                break;
            default:
                return Problems.BadRequest("'bucket' must be 'day' or 'week'.");
        }

        var end = range.To ?? Timestamps.UtcNow(time);
        var start = range.From ?? end - DefaultStatsRange;
        if (start >= end)
        {
            return Problems.BadRequest("'from' must be earlier than 'to' (which is now when not given).");
        }

        if ((end - HistoryQueries.BucketStart(start, size)).TotalDays > MaxBuckets * (size == StatsBucket.Day ? 1 : 7))
        {
            return Problems.BadRequest($"The range is too long for '{(size == StatsBucket.Day ? "day" : "week")}' buckets: at most {MaxBuckets} buckets. Use a shorter range or 'bucket=week'.");
        }

        if (await Deny(history, roomId, principal, cancellationToken) is { } denied)
        {
            return denied;
        }

        var stats = await history.StatsAsync(roomId, start, end, size, cancellationToken);
        return HistoryCsv.IsWanted(request) ? HistoryCsv.Series(stats.Series, $"stats-{roomId}.csv") : TypedResults.Ok(stats);
    }

    private static async Task<Results<Ok<MyHistoryResponse>, FileContentHttpResult, ProblemHttpResult>> MyHistoryAsync(
        string? from, string? to, string? cursor, HttpRequest request, ClaimsPrincipal principal, HistoryQueries history,
        CancellationToken cancellationToken)
    {
        if (ParseRange(from, to, cursor, out var range, out var after) is { } bad)
        {
            return bad;
        }

        var userId = principal.GetUserId()!;
        if (HistoryCsv.IsWanted(request))
        {
            var (all, _) = await history.MyHistoryAsync(userId, range, after, MaxCsvRows, cancellationToken);
            return HistoryCsv.MySessions(all, "my-history.csv");
        }

        var (sessions, next) = await history.MyHistoryAsync(userId, range, after, PageSize, cancellationToken);
        return TypedResults.Ok(new MyHistoryResponse(sessions, next));
    }

    private static ProblemHttpResult? ParseRange(string? from, string? to, string? cursor, out HistoryRange range, out SessionCursor? after)
    {
        after = null;
        range = default;
        if (HistoryRange.Parse(from, to, out var error) is not { } parsed)
        {
            return Problems.BadRequest(error!);
        }

        range = parsed;
        return SessionCursor.TryDecode(cursor, out after)
            ? null
            : Problems.BadRequest("'cursor' is not one this server gave out; pass the 'next' of the previous page unchanged.");
    }

    private static async Task<ProblemHttpResult?> Deny(HistoryQueries history, string roomId, ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        Refusal(await history.CheckRoomAsync(roomId, principal.GetUserId()!, cancellationToken), roomId, isRoom: true);

    private static ProblemHttpResult? Refusal(HistoryAccess access, string? id, bool isRoom = false) => access switch
    {
        HistoryAccess.Allowed => null,
        HistoryAccess.Forbidden => Problems.Forbidden("Only the room's hosts (its owner and co-hosts) can see and delete its history."),
        _ => Problems.NotFound(isRoom
            ? $"No room has the id '{Truncate(id)}'."
            : $"No meeting session has the id '{Truncate(id)}' (it may have been deleted, or removed after the retention period)."),
    };

    private static string Truncate(string? value) => value is null ? string.Empty : value.Length <= 64 ? value : value[..64] + "…";
}
