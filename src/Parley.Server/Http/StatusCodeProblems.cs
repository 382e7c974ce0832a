using Microsoft.AspNetCore.Diagnostics;

namespace Parley.Server.Http;

/// <summary>
/// The problem for a response that ended with an error status and no body (status-code pages). Routing answers a body
/// that is not JSON with 415 before any endpoint runs; the contract has one status for bad input, so it becomes 400.
/// </summary>
internal static class StatusCodeProblems
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var detail = Problems.DefaultDetail(http.Response.StatusCode);
        string? title = null;
        if (http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            title = "Invalid request";
        }

        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        var written = await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = http.Response.StatusCode, Title = title, Detail = detail },
        });
        if (!written)
        {
            // The client accepts no JSON: the same words as text.
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(detail, http.RequestAborted);
        }
    }
}
