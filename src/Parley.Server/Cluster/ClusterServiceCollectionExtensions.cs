using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Parley.Server.Health;
using Parley.Server.Membership;
using Parley.Server.Rooms;
using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// Several nodes on one database: with <c>ConnectionStrings:Redis</c> set, the node registry and room leases in
/// Redis, <c>joinRoom</c> redirects, the SignalR Redis backplane, forwarding of HTTP changes to the room's node, the
/// dead-node sweep, the operator's drain, Redis and drain readiness checks and CORS for the hub. Without it, only the node's identity (the server
/// is the only node and nothing else changes).
/// </summary>
internal static class ClusterServiceCollectionExtensions
{
    private const string HubCorsPolicy = "parley-hub";

    /// <summary>Call after <c>AddParleyHub</c>: it replaces the hub's room notifier.</summary>
    public static IServiceCollection AddParleyCluster(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(ClusterSettings.SectionName);
        var settings = section.Get<ClusterSettings>() ?? new ClusterSettings();
        if (settings.HeartbeatInterval <= TimeSpan.Zero || settings.HeartbeatTimeout <= settings.HeartbeatInterval
            || settings.RoomLeaseTime <= settings.HeartbeatInterval)
        {
            throw new InvalidOperationException(
                $"{ClusterSettings.SectionName}: HeartbeatTimeout and RoomLeaseTime must be longer than HeartbeatInterval, which must be positive.");
        }

        if (settings.OperatorKey is { Length: > 0 and < OperatorKeyFilter.MinimumKeyLength })
        {
            throw new InvalidOperationException(
                $"{ClusterSettings.SectionName}:OperatorKey must be at least {OperatorKeyFilter.MinimumKeyLength} characters (or unset: no operator API).");
        }

        services.Configure<ClusterSettings>(section);
        services.TryAddSingleton<NodeIdentity>();
        services.TryAddSingleton<LeftoverOwnership>();
        var redis = configuration.GetConnectionString(ClusterSettings.RedisConnectionName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            return services;
        }

        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(redis);
            // Start (and stay up) while Redis is away: readiness reports it, and the client reconnects by itself.
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddSignalR().AddStackExchangeRedis(redis, options =>
        {
            options.Configuration.ChannelPrefix = RedisChannel.Literal(settings.RedisPrefix + ":signalr");
            options.Configuration.AbortOnConnectFail = false;
        });
        services.AddSingleton<ClusterDirectory>();
        services.AddSingleton<RoomLeases>();
        services.AddSingleton<NodeDrain>();
        services.AddSingleton<SplitRoomMove>();
        services.AddSingleton<RoomPlacement>();
        services.AddSingleton<NodeHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeHeartbeat>());
        services.AddHostedService<RoomCommandRelay>();
        services.AddScoped<DeadNodeSweep>();
        services.AddScoped<DeadMemberRemoval>();
        services.AddSingleton<ClusterJoinFilter>();
        services.Configure<HubOptions>(options => options.AddFilter<ClusterJoinFilter>());

        services.AddSingleton<HubRoomNotifier>();
        services.RemoveAll<IRoomNotifier>();
        services.AddSingleton<IRoomNotifier, ClusterRoomNotifier>();

        services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", HealthStatus.Unhealthy, [HealthServiceCollectionExtensions.ReadyTag])
            .AddCheck<NodeDrainHealthCheck>("draining", HealthStatus.Unhealthy, [HealthServiceCollectionExtensions.ReadyTag]);
        services.AddCors(cors => cors.AddPolicy(HubCorsPolicy, policy =>
            policy.WithOrigins([.. settings.AllowedOrigins.Select(o => o.TrimEnd('/'))]).AllowAnyHeader().AllowAnyMethod().AllowCredentials()));
        return services;
    }

    /// <summary>CORS for the hub (before anything else answers): pages served by another node open their hub here.</summary>
    public static WebApplication UseParleyCluster(this WebApplication app)
    {
        if (app.Services.GetRequiredService<NodeIdentity>().Clustered)
        {
            app.UseWhen(context => context.Request.Path.StartsWithSegments(HubServiceCollectionPath), branch => branch.UseCors(HubCorsPolicy));
        }

        return app;
    }

    /// <summary>Whose <c>room_user</c> rows a start-up deletes: this node's among several, all of them when alone.</summary>
    public static string? StartupCleanupNodeId(this IServiceProvider services) =>
        services.GetRequiredService<NodeIdentity>() is { Clustered: true } node ? node.Id : null;

    private static string HubServiceCollectionPath => Hubs.HubServiceCollectionExtensions.Path;
}
