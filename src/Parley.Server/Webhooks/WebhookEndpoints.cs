using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Server.Auth;
using Parley.Server.Http;

namespace Parley.Server.Webhooks;

/// <summary><c>/api/webhooks/*</c>: thin HTTP over <see cref="WebhookRegistrations"/>.</summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/api/webhooks").WithTags("Webhooks").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        webhooks.MapPost("/", CreateAsync).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("/", ListAsync);
        webhooks.MapDelete("/{webhookId}", DeleteAsync).ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("/{webhookId}/deliveries", DeliveriesAsync).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<WebhookResponse>, ProblemHttpResult>> CreateAsync(
        CreateWebhookRequest request, ClaimsPrincipal principal, WebhookRegistrations registrations, ILogger<WebhookRegistrations> logger,
        CancellationToken cancellationToken)
    {
        if (principal.IsGuest())
        {
            return GuestsRefused();
        }

        var userId = principal.GetUserId()!;
        var outcome = await registrations.RegisterAsync(userId, request, cancellationToken);
        if (outcome.Webhook is not { } webhook)
        {
            return TypedResults.Problem(outcome.Problem, statusCode: outcome.Status, title: outcome.Status switch
            {
                StatusCodes.Status400BadRequest => "Invalid request",
                StatusCodes.Status403Forbidden => "Not allowed",
                StatusCodes.Status404NotFound => "Not found",
                _ => "Conflict",
            });
        }

        WebhookLog.Registered(logger, userId, webhook.Id, webhook.RoomId ?? "(all owned)");
        return TypedResults.Created($"/api/webhooks/{webhook.Id}", new WebhookResponse(WebhookDto.From(webhook, withSecret: true)));
    }

    private static async Task<Results<Ok<WebhookListResponse>, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal principal, WebhookRegistrations registrations, CancellationToken cancellationToken)
    {
        if (principal.IsGuest())
        {
            return GuestsRefused();
        }

        var webhooks = await registrations.ListAsync(principal.GetUserId()!, cancellationToken);
        return TypedResults.Ok(new WebhookListResponse(webhooks.Select(w => WebhookDto.From(w, withSecret: false)).ToList()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string webhookId, ClaimsPrincipal principal, WebhookRegistrations registrations, ILogger<WebhookRegistrations> logger,
        CancellationToken cancellationToken)
    {
        if (principal.IsGuest())
        {
            return GuestsRefused();
        }

        var userId = principal.GetUserId()!;
        if (!await registrations.DeleteAsync(userId, webhookId, cancellationToken))
        {
            return NotFound();
        }

        WebhookLog.Deleted(logger, userId, webhookId);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<WebhookDeliveryListResponse>, ProblemHttpResult>> DeliveriesAsync(
        string webhookId, ClaimsPrincipal principal, WebhookRegistrations registrations, CancellationToken cancellationToken)
    {
        if (principal.IsGuest())
        {
            return GuestsRefused();
        }

        var deliveries = await registrations.ListDeliveriesAsync(principal.GetUserId()!, webhookId, cancellationToken);
        return deliveries is null ? NotFound() : TypedResults.Ok(new WebhookDeliveryListResponse(deliveries));
    }

    // Someone else's webhook is "not found" too: its existence is not theirs to learn.
    private static ProblemHttpResult NotFound() =>
        Problems.NotFound("You have no webhook with this id. It may have been deleted, or its room was.");

    private static ProblemHttpResult GuestsRefused() =>
        Problems.Forbidden("Guests cannot use webhooks. Register an account and sign in with it.");
}
