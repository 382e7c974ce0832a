using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Parley.Server.Cluster;

/// <summary>
/// This server among the nodes: its id (written into the <c>room_user</c> rows of its connections) and the URL
/// clients reach it at. A server without Redis is the only node (<see cref="Clustered"/> false).
/// </summary>
internal sealed class NodeIdentity(IOptions<ClusterSettings> options, IConfiguration configuration, IServer server)
{
    private readonly string _id = string.IsNullOrWhiteSpace(options.Value.Id) ? "node-" + Guid.NewGuid().ToString("N")[..12] : options.Value.Id;

    public string Id => _id;

    /// <summary>True when several nodes share the database (Redis is configured).</summary>
    public bool Clustered { get; } = !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ClusterSettings.RedisConnectionName));

    /// <summary>The configured public URL, else the first address the server listens on (known once it started).</summary>
    public string PublicUrl =>
        (string.IsNullOrWhiteSpace(options.Value.PublicUrl)
            ? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? string.Empty
            : options.Value.PublicUrl).TrimEnd('/');

    /// <summary>The address put in ICE candidates here (for the registry; clients learn it from their transports).</summary>
    public string MediaAddress =>
        $"{configuration["Media:AnnouncedAddress"] ?? "127.0.0.1"}:{configuration["Media:Port"] ?? "40000"}";
}
