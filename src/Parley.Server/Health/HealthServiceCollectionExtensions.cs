using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Parley.Data;

namespace Parley.Server.Health;

/// <summary>
/// <c>GET /health/live</c> (the process runs and answers) and <c>GET /health/ready</c> (the database answers, the
/// media port listens and the node is not shutting down): 200 or 503, with ASP.NET Core's health checks.
/// <c>/healthz</c> is kept as an alias of live.
/// </summary>
internal static class HealthServiceCollectionExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string LegacyLivePath = "/healthz";

    internal const string ReadyTag = "ready";

    public static IServiceCollection AddParleyHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<ParleyDbContext>("database", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<MediaPortHealthCheck>("media-port", HealthStatus.Unhealthy, [ReadyTag])
            .AddCheck<TakesRoomsHealthCheck>("takes-rooms", HealthStatus.Unhealthy, [ReadyTag]);
        return services;
    }

    public static WebApplication MapParleyHealth(this WebApplication app)
    {
        // Live runs no check: it answers as long as the process serves requests.
        var live = new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync };
        app.MapHealthChecks(LivePath, live).ExcludeFromDescription();
        app.MapHealthChecks(LegacyLivePath, live).ExcludeFromDescription();
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary><c>{status, checks:{name:{status, description}}}</c>; no exception text (it may name hosts or users).</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description ?? e.Value.Exception?.GetType().Name }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), context.RequestAborted);
    }
}
