using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Server.Auth;
using Parley.Server.Http;
using Parley.Server.Rooms;

namespace Parley.Server.Invitations;

/// <summary>Invite links (<c>/api/rooms/{id}/invites</c>, <c>/api/invites/{token}</c>), members and shared rooms: thin HTTP over <see cref="InviteService"/>.</summary>
public static class InviteEndpoints
{
    public static IEndpointRouteBuilder MapInviteEndpoints(this IEndpointRouteBuilder app)
    {
        var rooms = app.MapGroup("/api/rooms").WithTags("Invitations").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        rooms.MapPost("/{roomId}/invites", CreateInviteAsync).ProducesProblem(StatusCodes.Status400BadRequest).ManagedRoom()
            .ProducesProblem(StatusCodes.Status409Conflict);
        rooms.MapGet("/{roomId}/invites", ListInvitesAsync).ManagedRoom();
        rooms.MapDelete("/{roomId}/invites/{inviteId}", RevokeInviteAsync).ManagedRoom();
        rooms.MapPost("/{roomId}/members", AddMemberAsync).ProducesProblem(StatusCodes.Status400BadRequest).ManagedRoom()
            .ProducesProblem(StatusCodes.Status409Conflict);
        rooms.MapGet("/{roomId}/members", ListMembersAsync).ManagedRoom();
        rooms.MapDelete("/{roomId}/members/{userId}", RemoveMemberAsync).ManagedRoom();
        rooms.MapGet("/shared", SharedAsync);

        app.MapGet("/api/invites/{token}", FindByTokenAsync).WithTags("Invitations").RequireAuthorization()
            .RequireRateLimiting(RateLimiting.JoinCodePolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static RouteHandlerBuilder ManagedRoom(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<Results<Created<InviteResponse>, ProblemHttpResult>> CreateInviteAsync(
        string roomId, CreateInviteRequest? request, HttpRequest http, ClaimsPrincipal principal, InviteService invites, CancellationToken cancellationToken)
    {
        var userId = principal.GetUserId()!;
        var room = await invites.RoomForAsync(roomId, userId, ownerOnly: false, cancellationToken);
        if (room.Value is null)
        {
            return Problem(room.Status, room.Problem!);
        }

        var created = await invites.CreateInviteAsync(roomId, userId, request ?? new CreateInviteRequest(), cancellationToken);
        return created.Value is { } invite
            ? TypedResults.Created($"/api/rooms/{roomId}/invites/{invite.Id}", new InviteResponse(InviteDto.From(invite, InviteLinks.BaseUrl(http))))
            : Problem(created.Status, created.Problem!);
    }

    private static async Task<Results<Ok<InviteListResponse>, ProblemHttpResult>> ListInvitesAsync(
        string roomId, HttpRequest http, ClaimsPrincipal principal, InviteService invites, CancellationToken cancellationToken)
    {
        var room = await invites.RoomForAsync(roomId, principal.GetUserId()!, ownerOnly: false, cancellationToken);
        if (room.Value is null)
        {
            return Problem(room.Status, room.Problem!);
        }

        var baseUrl = InviteLinks.BaseUrl(http);
        var list = await invites.ListInvitesAsync(roomId, cancellationToken);
        return TypedResults.Ok(new InviteListResponse(list.Select(i => InviteDto.From(i, baseUrl)).ToList()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeInviteAsync(
        string roomId, string inviteId, ClaimsPrincipal principal, InviteService invites, CancellationToken cancellationToken)
    {
        var room = await invites.RoomForAsync(roomId, principal.GetUserId()!, ownerOnly: false, cancellationToken);
        if (room.Value is null)
        {
            return Problem(room.Status, room.Problem!);
        }

        return await invites.RevokeInviteAsync(roomId, inviteId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("This room has no invite link with that id.");
    }

    private static async Task<Results<Ok<RoomResponse>, ProblemHttpResult>> FindByTokenAsync(
        string token, InviteService invites, CancellationToken cancellationToken)
    {
        var room = await invites.FindRoomByTokenAsync(token, cancellationToken);
        return room is null
            ? Problems.NotFound("This invite link is not valid: it may have expired, been used up or been revoked. Ask a host for a new one.")
            : TypedResults.Ok(new RoomResponse(RoomDto.From(room)));
    }

    private static async Task<Results<Created<MemberResponse>, ProblemHttpResult>> AddMemberAsync(
        string roomId, AddMemberRequest request, ClaimsPrincipal principal, InviteService invites, CancellationToken cancellationToken)
    {
        var room = await invites.RoomForAsync(roomId, principal.GetUserId()!, ownerOnly: true, cancellationToken);
        if (room.Value is null)
        {
            return Problem(room.Status, room.Problem!);
        }

        var added = await invites.AddMemberAsync(room.Value, request.Email, cancellationToken);
        return added.Value is { } member
            ? TypedResults.Created($"/api/rooms/{roomId}/members/{member.UserId}", new MemberResponse(member))
            : Problem(added.Status, added.Problem!);
    }

    private static async Task<Results<Ok<MemberListResponse>, ProblemHttpResult>> ListMembersAsync(
        string roomId, ClaimsPrincipal principal, InviteService invites, CancellationToken cancellationToken)
    {
        var room = await invites.RoomForAsync(roomId, principal.GetUserId()!, ownerOnly: false, cancellationToken);
        return room.Value is null
            ? Problem(room.Status, room.Problem!)
            : TypedResults.Ok(new MemberListResponse(await invites.ListMembersAsync(roomId, cancellationToken)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(
        string roomId, string userId, ClaimsPrincipal principal, InviteService invites, CancellationToken cancellationToken)
    {
        var callerId = principal.GetUserId()!;
        // The owner removes anyone; a member may leave a room shared with them.
        if (callerId != userId)
        {
            var room = await invites.RoomForAsync(roomId, callerId, ownerOnly: true, cancellationToken);
            if (room.Value is null)
            {
                return Problem(room.Status, room.Problem!);
            }
        }

        return await invites.RemoveMemberAsync(roomId, userId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("That user is not a member of this room.");
    }

    private static async Task<Ok<RoomListResponse>> SharedAsync(ClaimsPrincipal principal, InviteService invites, CancellationToken cancellationToken)
    {
        var rooms = await invites.SharedRoomsAsync(principal.GetUserId()!, cancellationToken);
        return TypedResults.Ok(new RoomListResponse(rooms.Select(RoomDto.From).ToList()));
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status, title: status switch
    {
        StatusCodes.Status400BadRequest => "Invalid request",
        StatusCodes.Status403Forbidden => "Not allowed",
        StatusCodes.Status404NotFound => "Not found",
        _ => "Conflict",
    });
}
