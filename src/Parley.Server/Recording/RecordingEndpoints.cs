using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Entities;
using Parley.Server.Auth;
using Parley.Server.Http;

namespace Parley.Server.Recording;

/// <summary>
/// <c>/api/rooms/{roomId}/recordings</c> and <c>/api/recordings/*</c>: a room's recordings, for its owner and co-hosts
/// only; and <c>/api/rooms/{roomId}/recording</c>, whether the room is being recorded now (for the pre-join screen).
/// </summary>
internal static class RecordingEndpoints
{
    public static IEndpointRouteBuilder MapRecordingEndpoints(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms").WithTags("Recordings").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        rooms.MapGet("/{roomId}/recordings", ListAsync).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        rooms.MapGet("/{roomId}/recording", CurrentAsync).ProducesProblem(StatusCodes.Status404NotFound);
        var recordings = app.MapGroup("/api/recordings").WithTags("Recordings").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        recordings.MapGet("/{id}", GetAsync);
        recordings.MapGet("/{id}/file", FileAsync).ProducesProblem(StatusCodes.Status409Conflict);
        recordings.MapPost("/{id}/download-link", DownloadLinkAsync).ProducesProblem(StatusCodes.Status409Conflict);
        // The link's token is the credential (a plain link or a <video> source sends no bearer token).
        recordings.MapGet("/{id}/download", DownloadAsync).AllowAnonymous().ProducesProblem(StatusCodes.Status409Conflict);
        recordings.MapDelete("/{id}", DeleteAsync).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Ok<RecordingListResponse>, ProblemHttpResult>> ListAsync(
        string roomId, ClaimsPrincipal principal, ParleyDbContext db, CancellationToken cancellationToken)
    {
        if (await CheckHostAsync(db, roomId, principal.GetUserId(), cancellationToken) is { } refused)
        {
            return refused;
        }

        var rows = await db.Recordings.AsNoTracking().Where(r => r.RoomId == roomId)
            .OrderByDescending(r => r.StartedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(new RecordingListResponse([.. rows.Select(RecordingDto.From)]));
    }

    private static async Task<Results<Ok<CurrentRecordingResponse>, ProblemHttpResult>> CurrentAsync(
        string roomId, ParleyDbContext db, RecordingService recordings, CancellationToken cancellationToken) =>
        await db.Rooms.AnyAsync(r => r.Id == roomId, cancellationToken)
            ? TypedResults.Ok(new CurrentRecordingResponse(recordings.Current(roomId)))
            : RoomNotFound(roomId);

    private static async Task<Results<Ok<RecordingResponse>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal principal, ParleyDbContext db, CancellationToken cancellationToken)
    {
        var (row, refused) = await FindForHostAsync(db, id, principal, cancellationToken);
        return row is null ? refused! : TypedResults.Ok(new RecordingResponse(RecordingDto.From(row)));
    }

    private static async Task<IResult> FileAsync(
        string id, ClaimsPrincipal principal, ParleyDbContext db, RecordingService recordings, CancellationToken cancellationToken)
    {
        var (row, refused) = await FindForHostAsync(db, id, principal, cancellationToken);
        return row is null ? refused! : ReadyFile(row, recordings.Root);
    }

    private static async Task<Results<Ok<DownloadLinkResponse>, ProblemHttpResult>> DownloadLinkAsync(
        string id, ClaimsPrincipal principal, ParleyDbContext db, RecordingDownloadLinks links, CancellationToken cancellationToken)
    {
        var (row, refused) = await FindForHostAsync(db, id, principal, cancellationToken);
        if (row is null)
        {
            return refused!;
        }

        if (row.Status != RecordingStatuses.Ready)
        {
            return NotReady(row);
        }

        var grant = links.Issue(row.Id, principal.GetUserId()!, out var token);
        return TypedResults.Ok(new DownloadLinkResponse($"/api/recordings/{Uri.EscapeDataString(row.Id)}/download?token={Uri.EscapeDataString(token)}", grant.ExpiresAt));
    }

    private static async Task<IResult> DownloadAsync(
        string id, string? token, HttpContext context, ParleyDbContext db, RecordingService recordings, RecordingDownloadLinks links,
        ILogger<RecordingDownloadLinks> logger, CancellationToken cancellationToken)
    {
        var grant = links.Read(token);
        if (grant is null)
        {
            RecordingLog.DownloadRefused(logger, Truncate(id), "no valid token");
            return Problems.Unauthorized("The download link is not valid or has expired: ask for a new one (POST /api/recordings/{id}/download-link).");
        }

        if (!string.Equals(grant.RecordingId, id, StringComparison.Ordinal))
        {
            RecordingLog.DownloadRefused(logger, Truncate(id), "the token is for another recording");
            return Problems.Forbidden("This download link is for another recording.");
        }

        var row = await db.Recordings.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is null)
        {
            return Problems.NotFound($"No recording has the id '{Truncate(id)}'.");
        }

        // Still a host now: a co-host removed after the link was issued cannot use it.
        if (await CheckHostAsync(db, row.RoomId, grant.UserId, cancellationToken) is { } refused)
        {
            RecordingLog.DownloadRefused(logger, row.Id, "the link's user is no longer a host of the room");
            return refused;
        }

        // The token is in the URL: no cache keeps the response, and no page it leads to sends it on.
        context.Response.Headers.CacheControl = "private, no-store";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return ReadyFile(row, recordings.Root);
    }

    /// <summary>The composed file, with range requests (a browser's <c>&lt;video&gt;</c> seeks with them), under its download name.</summary>
    private static IResult ReadyFile(Data.Entities.Recording row, string root)
    {
        var path = row.FileName is { } name ? Path.Combine(RecordingFiles.RecordingFolder(root, row.RoomId, row.Id), name) : null;
        if (row.Status != RecordingStatuses.Ready || path is null)
        {
            return NotReady(row);
        }

        if (!File.Exists(path))
        {
            return Problems.NotFound("The recording's file is missing from the server's recording folder.");
        }

        var download = $"recording-{row.StartedAt:yyyy-MM-dd-HHmm}-{row.Id}{Path.GetExtension(path)}";
        return TypedResults.PhysicalFile(path, row.MimeType ?? "application/octet-stream", download, enableRangeProcessing: true);
    }

    private static ProblemHttpResult NotReady(Data.Entities.Recording row) =>
        Problems.Conflict($"The recording is {row.Status}, not ready: its file can be downloaded once its status is \"ready\".");

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal principal, ParleyDbContext db, RecordingService recordings, CancellationToken cancellationToken)
    {
        var (row, refused) = await FindForHostAsync(db, id, principal, cancellationToken);
        if (row is null)
        {
            return refused!;
        }

        if (row.Status == RecordingStatuses.Recording)
        {
            return Problems.Conflict("The recording is still running: stop it in the meeting (stopRecording) first.");
        }

        await db.Recordings.Where(r => r.Id == row.Id).ExecuteDeleteAsync(cancellationToken);
        recordings.DeleteFiles(row.RoomId, row.Id);
        return TypedResults.NoContent();
    }

    private static async Task<(Data.Entities.Recording? Row, ProblemHttpResult? Refused)> FindForHostAsync(
        ParleyDbContext db, string id, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var row = await db.Recordings.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (row is null)
        {
            return (null, Problems.NotFound($"No recording has the id '{Truncate(id)}'."));
        }

        var refused = await CheckHostAsync(db, row.RoomId, principal.GetUserId(), cancellationToken);
        return refused is null ? (row, null) : (null, refused);
    }

    private static async Task<ProblemHttpResult?> CheckHostAsync(ParleyDbContext db, string roomId, string? userId, CancellationToken cancellationToken)
    {
        var room = await db.Rooms.AsNoTracking().FirstOrDefaultAsync(r => r.Id == roomId, cancellationToken);
        if (room is null)
        {
            return RoomNotFound(roomId);
        }

        return room.OwnerId == userId || (userId is not null && room.CoHostIds.Contains(userId))
            ? null
            : Problems.Forbidden("Only the room's owner and co-hosts can see, download and delete its recordings.");
    }

    private static ProblemHttpResult RoomNotFound(string roomId) => Problems.NotFound($"No room has the id '{Truncate(roomId)}'.");

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}

/// <summary><c>POST /api/recordings/{id}/download-link</c>: a relative URL that downloads the file without other credentials, until <c>expiresAt</c>.</summary>
internal sealed record DownloadLinkResponse(string Url, DateTimeOffset ExpiresAt);

/// <summary><c>GET /api/rooms/{roomId}/recording</c>: <c>{recording: {recordingId, startedAt} | null}</c>.</summary>
internal sealed record CurrentRecordingResponse(ActiveRecording? Recording);
