using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Server.Auth;
using Parley.Server.Http;

namespace Parley.Server.Rooms;

/// <summary><c>/api/rooms/*</c>: thin HTTP over <see cref="RoomService"/>.</summary>
public static class RoomEndpoints
{
    private const int MaxEchoLength = 64;

    public static IEndpointRouteBuilder MapRoomEndpoints(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms").WithTags("Rooms").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        rooms.MapPost("/create", CreateAsync);
        rooms.MapGet("/join/{joinCode}", JoinAsync).RequireRateLimiting(RateLimiting.JoinCodePolicy)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        rooms.MapGet("/{roomId}", GetAsync).ProducesProblem(StatusCodes.Status403Forbidden);
        rooms.MapGet("/", ListAsync);
        rooms.MapPatch("/{roomId}", UpdateAsync);
        rooms.MapDelete("/{roomId}", DeleteAsync);
        rooms.MapPost("/{roomId}/join-code", NewJoinCodeAsync);
        return app;
    }

    private static async Task<Results<Created<RoomResponse>, ProblemHttpResult>> CreateAsync(
        CreateRoomRequest request, ClaimsPrincipal principal, RoomService rooms, Templates.TemplateService templates, CancellationToken cancellationToken)
    {
        var name = RoomService.NormalizeName(request.Name, out var error);
        if (name is null)
        {
            return Problems.BadRequest(error!);
        }

        if (RoomSettingsPatch.Parse(request.Settings, out error) is not { } settings)
        {
            return Problems.BadRequest(error!);
        }

        // A template gives the starting settings; those in the request change them.
        Templates.TemplateDto? template = null;
        if (request.TemplateId is not null
            && (template = await templates.FindAsync(request.TemplateId, principal.GetUserId()!, cancellationToken)) is null)
        {
            return Problems.NotFound($"No template has the id '{Truncate(request.TemplateId)}' ('templateId'). GET /api/templates lists yours and the built-in ones.");
        }

        var outcome = await rooms.CreateAsync(
            principal.GetUserId()!, name, request.RequireAccessBeforeJoining ?? template?.RequireAccessBeforeJoining ?? false, settings, cancellationToken,
            template?.Settings);
        return outcome.Status switch
        {
            RoomOutcomeStatus.Ok => TypedResults.Created($"/api/rooms/{outcome.Room!.Id}", new RoomResponse(RoomDto.From(outcome.Room))),
            RoomOutcomeStatus.Forbidden => Problems.Forbidden("Guests cannot create rooms. Register an account and sign in with it to create one."),
            _ => AccountGone(),
        };
    }

    private static async Task<Results<Ok<RoomResponse>, ProblemHttpResult>> JoinAsync(
        string joinCode, RoomService rooms, CancellationToken cancellationToken)
    {
        var room = await rooms.FindByJoinCodeAsync(joinCode, cancellationToken);
        return room is null
            ? Problems.NotFound($"No room has the join code '{Truncate(joinCode)}'. Join codes are 6 characters (letters and digits 2–9); check it with the person who shared it.")
            : TypedResults.Ok(new RoomResponse(RoomDto.From(room)));
    }

    private static async Task<Results<Ok<RoomWithUsersResponse>, ProblemHttpResult>> GetAsync(
        string roomId, ClaimsPrincipal principal, RoomService rooms, CancellationToken cancellationToken)
    {
        var room = await rooms.FindAsync(roomId, cancellationToken);
        if (room is null)
        {
            return RoomNotFound(roomId);
        }

        if (!RoomService.MaySeeParticipants(room, principal.GetUserId()!))
        {
            // The hub refuses getUsersInRoom at the door too: who is inside is for those let in.
            return Problems.Forbidden("This room admits people at the door: you can see who is in it once the host has let you in.");
        }

        var users = await rooms.GetUsersAsync(room.Id, cancellationToken);
        return TypedResults.Ok(new RoomWithUsersResponse(RoomDto.From(room), users));
    }

    private static async Task<Ok<RoomListResponse>> ListAsync(
        ClaimsPrincipal principal, RoomService rooms, CancellationToken cancellationToken)
    {
        var owned = await rooms.ListOwnedAsync(principal.GetUserId()!, cancellationToken);
        return TypedResults.Ok(new RoomListResponse(owned.Select(RoomDto.From).ToList()));
    }

    private static async Task<Results<Ok<RoomResponse>, ProblemHttpResult>> UpdateAsync(
        string roomId, UpdateRoomRequest request, ClaimsPrincipal principal, RoomService rooms, CancellationToken cancellationToken)
    {
        string? name = null;
        if (request.Name is not null)
        {
            name = RoomService.NormalizeName(request.Name, out var error);
            if (name is null)
            {
                return Problems.BadRequest(error!);
            }
        }

        if (RoomSettingsPatch.Parse(request.Settings, out var settingsError) is not { } settings)
        {
            return Problems.BadRequest(settingsError!);
        }

        var outcome = await rooms.UpdateAsync(roomId, principal.GetUserId()!, name, request.RequireAccessBeforeJoining, settings, cancellationToken);
        return outcome.Status switch
        {
            RoomOutcomeStatus.Ok => TypedResults.Ok(new RoomResponse(RoomDto.From(outcome.Room!))),
            RoomOutcomeStatus.Forbidden => Problems.Forbidden("Only the room's hosts (its owner and co-hosts) can change it."),
            _ => RoomNotFound(roomId),
        };
    }

    private static async Task<Results<Ok<RoomResponse>, ProblemHttpResult>> NewJoinCodeAsync(
        string roomId, ClaimsPrincipal principal, RoomService rooms, CancellationToken cancellationToken)
    {
        var outcome = await rooms.NewJoinCodeAsync(roomId, principal.GetUserId()!, cancellationToken);
        return outcome.Status switch
        {
            RoomOutcomeStatus.Ok => TypedResults.Ok(new RoomResponse(RoomDto.From(outcome.Room!))),
            RoomOutcomeStatus.Forbidden => Problems.Forbidden("Only the room's owner can give it a new join code."),
            _ => RoomNotFound(roomId),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string roomId, ClaimsPrincipal principal, RoomService rooms, CancellationToken cancellationToken)
    {
        var outcome = await rooms.DeleteAsync(roomId, principal.GetUserId()!, cancellationToken);
        return outcome.Status switch
        {
            RoomOutcomeStatus.Ok => TypedResults.NoContent(),
            RoomOutcomeStatus.Forbidden => Problems.Forbidden("Only the room's owner can delete it."),
            _ => RoomNotFound(roomId),
        };
    }

    private static ProblemHttpResult RoomNotFound(string roomId) =>
        Problems.NotFound($"No room has the id '{Truncate(roomId)}'. It may have been deleted.");

    private static ProblemHttpResult AccountGone() =>
        Problems.Unauthorized("This account no longer exists. Sign in again.");

    private static string Truncate(string value) => value.Length <= MaxEchoLength ? value : value[..MaxEchoLength] + "…";
}
