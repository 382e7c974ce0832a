namespace Parley.Server.Http;

internal static class HttpServiceCollectionExtensions
{
    /// <summary>Problem+json for every error, 400 for binding failures, rate limits and the OpenAPI document.</summary>
    public static IServiceCollection AddParleyHttp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Detail ??= Problems.DefaultDetail(status);
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        // Binding failures throw BadHttpRequestException (handled above) instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<RouteOptions>(options => options.SetParameterPolicy<PagePathConstraint>(PagePathConstraint.Name));
        services.AddParleyRateLimiting(configuration);
        services.AddOpenApi();
        return services;
    }

    /// <summary>The middleware in order: errors, body limit, static page, auth, rate limits.</summary>
    public static WebApplication UseParleyHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
        app.UseApiBodyLimit();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the page's SPA routes.</summary>
    public static WebApplication MapParleyPages(this WebApplication app)
    {
        app.MapOpenApi();
        // The page routes on the client: /r/{joinCode} opens a room, /i/{token} the room an invite link leads to,
        // /history/{roomId} a room's history for its hosts; any other page path gets the page, which shows its own
        // "not found" screen. The API, the hub and the server's own endpoints keep their 404s.
        app.MapFallbackToFile("/r/{joinCode}", "index.html");
        app.MapFallbackToFile("/i/{token}", "index.html");
        app.MapFallbackToFile("/history/{roomId}", "index.html");
        app.MapFallbackToFile($"{{*path:nonfile:{PagePathConstraint.Name}}}", "index.html");
        return app;
    }
}
