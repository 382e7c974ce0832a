using Microsoft.AspNetCore.Http.Features;

namespace Parley.Server.Http;

/// <summary>Caps API request bodies at <see cref="MaxBodyBytes"/>; larger ones are bad input (400).</summary>
internal static class RequestLimits
{
    public const int MaxBodyBytes = 64 * 1024;

    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                if (context.Request.ContentLength > MaxBodyBytes)
                {
                    await Results.Problem(
                            $"The request body is {context.Request.ContentLength} bytes; the limit is {MaxBodyBytes / 1024} KiB.",
                            statusCode: StatusCodes.Status400BadRequest,
                            title: "Request body too large")
                        .ExecuteAsync(context);
                    return;
                }

                // A body without Content-Length (chunked) is cut off by the server while it is read.
                var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
                if (sizeFeature is { IsReadOnly: false })
                {
                    sizeFeature.MaxRequestBodySize = MaxBodyBytes;
                }
            }

            await next(context);
        });
}
