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
        // The page routes on the client: /r/{joinCode} opens a room by its join code.
        app.MapFallbackToFile("/r/{joinCode}", "index.html");
        // /i/{token} opens the room an invite link leads to.
        app.MapFallbackToFile("/i/{token}", "index.html");
        // /history/{roomId}: a room's history for its hosts.
        app.MapFallbackToFile("/history/{roomId}", "index.html");
        return app;
    }
}
