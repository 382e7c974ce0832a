using Microsoft.AspNetCore.Http.HttpResults;

namespace Parley.Server.Http;

/// <summary>RFC 9457 problem responses with a title and a detail a person can act on.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    /// <summary>The detail for a response that left its body empty (status-code pages fill it in).</summary>
    public static string DefaultDetail(int statusCode) => statusCode switch
    {
        StatusCodes.Status400BadRequest => "The request is malformed. Send a JSON body matching the API (see /openapi/v1.json).",
        StatusCodes.Status401Unauthorized => "Sign in first: send 'Authorization: Bearer <accessToken>' from /api/auth/login or /api/auth/guest, or the session cookie. If the token expired, get a new one from /api/auth/refresh.",
        StatusCodes.Status403Forbidden => "Your account is not allowed to do this.",
        StatusCodes.Status404NotFound => "Nothing exists at this address. Check the URL against /openapi/v1.json.",
        StatusCodes.Status405MethodNotAllowed => "This address does not accept that HTTP method. Check /openapi/v1.json.",
        StatusCodes.Status413PayloadTooLarge => $"The request body is larger than {RequestLimits.MaxBodyBytes / 1024} KiB.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with 'Content-Type: application/json'.",
        StatusCodes.Status429TooManyRequests => "Too many requests from this client. Wait a little and try again.",
        _ => "The server could not handle this request.",
    };
}
