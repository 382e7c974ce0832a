using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Parley.Server.Http;

/// <summary>A fixed window: at most <see cref="PermitLimit"/> requests per client per <see cref="WindowSeconds"/>.</summary>
public sealed class FixedWindowLimit
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; }
}

/// <summary>The <c>RateLimits</c> configuration section.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Register, login and guest sign-in, per client IP address.</summary>
    public FixedWindowLimit Auth { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>
    /// Join-code lookups, per client IP address, so codes cannot be guessed by brute force (per user would
    /// not do: anyone can sign in as any number of guests).
    /// </summary>
    public FixedWindowLimit JoinCode { get; set; } = new() { PermitLimit = 60, WindowSeconds = 60 };
}

internal static class RateLimiting
{
    public const string AuthPolicy = "auth";
    public const string JoinCodePolicy = "join-code";

    public static IServiceCollection AddParleyRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection("RateLimits"));
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = WriteRejectionAsync;
            limiter.AddPolicy(AuthPolicy, context =>
                Partition(context, "ip:" + ClientAddress(context), options => options.Auth));
            limiter.AddPolicy(JoinCodePolicy, context =>
                Partition(context, "ip:" + ClientAddress(context), options => options.JoinCode));
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, string key, Func<RateLimitOptions, FixedWindowLimit> select)
    {
        var limit = select(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limit.PermitLimit),
            Window = TimeSpan.FromSeconds(Math.Max(1, limit.WindowSeconds)),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static string ClientAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var detail = "Too many requests from this client. ";
        if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            detail += $"Try again in {seconds} second(s).";
        }
        else
        {
            detail += "Wait a little and try again.";
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }
}
