using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Parley.Server.Http;

namespace Parley.Server.Cluster;

/// <summary>
/// Lets an operator call through when it carries the node's operator key (<c>Node:OperatorKey</c>) in the
/// <see cref="HeaderName"/> header. Parley has no administrator accounts; the key is configuration that only whoever
/// runs the node knows. A dedicated header keeps it apart from users' bearer tokens and session cookies.
/// </summary>
internal sealed class OperatorKeyFilter(IOptions<ClusterSettings> options, ILogger<OperatorKeyFilter> logger) : IEndpointFilter
{
    public const string HeaderName = "Parley-Operator-Key";

    /// <summary>Shorter keys are refused at start-up: the key is the only thing between the internet and a drain.</summary>
    public const int MinimumKeyLength = 24;

    private readonly byte[]? _keyHash = options.Value.OperatorKey is { Length: > 0 } key ? Hash(key) : null;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_keyHash is null)
        {
            ClusterLog.OperatorRefused(logger, "no operator key is configured");
            return Problems.Forbidden("The operator API is off on this node: set Node__OperatorKey (at least 24 characters) to turn it on.");
        }

        // Hashes of equal length compared in constant time: neither the key's length nor its prefix leaks.
        var given = context.HttpContext.Request.Headers[HeaderName].ToString();
        if (given.Length == 0 || !CryptographicOperations.FixedTimeEquals(Hash(given), _keyHash))
        {
            ClusterLog.OperatorRefused(logger, given.Length == 0 ? "no operator key sent" : "wrong operator key");
            return TypedResults.Problem(
                $"Send the node's operator key (Node__OperatorKey) in the '{HeaderName}' header.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Operator key required");
        }

        return await next(context);
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
