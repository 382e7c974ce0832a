using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Server.Auth;

namespace Parley.Server.Templates;

/// <summary><c>/api/templates/*</c>: thin HTTP over <see cref="TemplateService"/>.</summary>
public static class TemplateEndpoints
{
    public static IEndpointRouteBuilder MapTemplateEndpoints(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/templates").WithTags("Templates").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        templates.MapGet("/", ListAsync);
        templates.MapPost("/", CreateAsync).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        templates.MapPatch("/{templateId}", UpdateAsync).ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        templates.MapDelete("/{templateId}", DeleteAsync).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Ok<TemplateListResponse>> ListAsync(ClaimsPrincipal principal, TemplateService templates, CancellationToken cancellationToken) =>
        TypedResults.Ok(new TemplateListResponse(await templates.ListAsync(principal.GetUserId()!, cancellationToken)));

    private static async Task<Results<Created<TemplateResponse>, ProblemHttpResult>> CreateAsync(
        CreateTemplateRequest request, ClaimsPrincipal principal, TemplateService templates, CancellationToken cancellationToken)
    {
        var outcome = await templates.CreateAsync(principal.GetUserId()!, request, cancellationToken);
        return outcome.Template is { } template
            ? TypedResults.Created($"/api/templates/{template.Id}", new TemplateResponse(template))
            : Problem(outcome);
    }

    private static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> UpdateAsync(
        string templateId, UpdateTemplateRequest request, ClaimsPrincipal principal, TemplateService templates, CancellationToken cancellationToken)
    {
        var outcome = await templates.UpdateAsync(principal.GetUserId()!, templateId, request, cancellationToken);
        return outcome.Template is { } template ? TypedResults.Ok(new TemplateResponse(template)) : Problem(outcome);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string templateId, ClaimsPrincipal principal, TemplateService templates, CancellationToken cancellationToken)
    {
        var outcome = await templates.DeleteAsync(principal.GetUserId()!, templateId, cancellationToken);
        return outcome.Status == StatusCodes.Status204NoContent ? TypedResults.NoContent() : Problem(outcome);
    }

    private static ProblemHttpResult Problem(TemplateOutcome outcome) => TypedResults.Problem(outcome.Problem, statusCode: outcome.Status, title: outcome.Status switch
    {
        StatusCodes.Status400BadRequest => "Invalid request",
        StatusCodes.Status403Forbidden => "Not allowed",
        StatusCodes.Status404NotFound => "Not found",
        _ => "Conflict",
    });
}
