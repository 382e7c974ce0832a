namespace Parley.Server.Http;

/// <summary>
/// Matches the paths that belong to the web page (anything the client may route), not those of the server:
/// <c>/api</c>, <c>/ws</c>, <c>/health</c>, <c>/metrics</c> and <c>/openapi</c> answer for themselves, so that an
/// unknown API path stays a problem+json 404 instead of becoming the page.
/// </summary>
internal sealed class PagePathConstraint : IRouteConstraint
{
    public const string Name = "pagepath";

    private static readonly string[] ServerPrefixes = ["api", "ws", "health", "metrics", "openapi"];

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        var path = values.TryGetValue(routeKey, out var value) ? value as string ?? string.Empty : string.Empty;
        var first = path.Split('/', 2)[0];
        return !ServerPrefixes.Any(prefix => string.Equals(first, prefix, StringComparison.OrdinalIgnoreCase));
    }
}
