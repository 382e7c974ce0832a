using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Parley.Server.Validation;

namespace Parley.Server.Http;

/// <summary>
/// Turns request-binding failures (malformed JSON, a wrong type, a missing body, an oversized body) into
/// 400 problem responses instead of 500s.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        // The contract has one status for bad input: 400 (also for an oversized body or a non-JSON content type).
        const int status = StatusCodes.Status400BadRequest;
        var tooLarge = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge
            || badRequest is RequestBodyTooLargeException
            || badRequest.InnerException is RequestBodyTooLargeException;
        var detail = tooLarge ? Problems.DefaultDetail(StatusCodes.Status413PayloadTooLarge) : Describe(badRequest);

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = "Invalid request",
                Detail = detail,
            },
        });
    }

    private static string Describe(BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return Problems.DefaultDetail(StatusCodes.Status415UnsupportedMediaType);
        }

        return exception.InnerException switch
        {
            // The reader refuses "\ud800" (a lone surrogate) while unescaping a string; say which field and why.
            JsonException { InnerException: InvalidOperationException invalid } json when invalid.Message.Contains("UTF-16", StringComparison.Ordinal) =>
                TextInput.LoneSurrogateMessage(FieldName(json.Path)),
            JsonException json => $"The JSON body could not be read at {json.Path ?? "$"} (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}): check the JSON syntax and that the value there has the documented type (see /openapi/v1.json).",
            // Minimal APIs word these for the developer ("Implicit body inferred for parameter ..."); say what to send.
            _ when exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase) =>
                "This endpoint needs a JSON object as the request body (Content-Type: application/json); see /openapi/v1.json.",
            _ => exception.Message,
        };
    }

    /// <summary>"$.user.name" → "user.name": the field as the client wrote it.</summary>
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
