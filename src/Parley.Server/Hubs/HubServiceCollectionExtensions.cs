using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Parley.Server.Membership;
using Parley.Server.RoomMedia;
using Parley.Server.Rooms;
using Parley.Server.Telemetry;

namespace Parley.Server.Hubs;

/// <summary>Registers and maps the signaling hub.</summary>
internal static class HubServiceCollectionExtensions
{
    public const string Path = "/ws";

    public static IServiceCollection AddParleyHub(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(HubSettings.SectionName).Get<HubSettings>() ?? new HubSettings();
        if (settings.KeepAliveInterval <= TimeSpan.Zero || settings.ClientTimeout <= settings.KeepAliveInterval)
        {
            throw new InvalidOperationException(
                $"{HubSettings.SectionName}: ClientTimeout ({settings.ClientTimeout}) must be longer than KeepAliveInterval ({settings.KeepAliveInterval}).");
        }

        if (settings.RateLimit.Burst <= 0 || settings.RateLimit.PermitsPerSecond <= 0)
        {
            throw new InvalidOperationException($"{HubSettings.SectionName}:RateLimit: Burst and PermitsPerSecond must be positive.");
        }

        services.Configure<HubSettings>(configuration.GetSection(HubSettings.SectionName));
        services.AddSignalR(options =>
        {
            options.KeepAliveInterval = settings.KeepAliveInterval;
            options.ClientTimeoutInterval = settings.ClientTimeout;
            options.MaximumReceiveMessageSize = settings.MaximumReceiveMessageSize;
            // The log filter first: it wraps the rate limiter, so a refusal for speed is logged like any refusal.
            options.AddFilter<HubCallLogFilter>();
            options.AddFilter<HubCallRateLimiter>();
        });
        services.AddLogging(logging => logging.AddFilter(HubCallLogFilter.DispatcherCategory, LogLevel.Critical));
        services.TryAddSingleton<HubCallRateLimiter>();
        services.AddOptions<MembershipSettings>()
            .Bind(configuration.GetSection(MembershipSettings.SectionName))
            .Validate(s => s.ReconcileInterval > TimeSpan.Zero, $"{MembershipSettings.SectionName}:ReconcileInterval must be positive")
            .Validate(s => s.ReconnectGrace >= TimeSpan.Zero, $"{MembershipSettings.SectionName}:ReconnectGrace must not be negative")
            .ValidateOnStart();

        services.TryAddSingleton<ConnectionRegistry>();
        services.AddMetrics();
        services.TryAddSingleton<ServerMetrics>();
        services.TryAddSingleton<RoomLocks>();
        services.TryAddSingleton<RoomEvents>();
        services.TryAddSingleton<MembershipProjector>();
        // Rooms' media (AddParleyMedia) reach the clients through this.
        services.AddHostedService<MediaEventRelay>();
        services.TryAddScoped<IMembershipStore, EfMembershipStore>();
        services.TryAddScoped<RoomMembershipService>();
        services.TryAddSingleton<ReconnectGrace>();
        services.TryAddSingleton<MemberFlagsSync>();
        services.TryAddScoped<MembershipReconciliation>();
        services.TryAddSingleton<MembershipRepairs>();
        services.TryAddSingleton<ServerDrain>();
        services.TryAddSingleton<RoomActivityFanOut>();
        services.AddHostedService<MembershipReconciler>();
        services.TryAddSingleton(TimeProvider.System);
        // Room deletion over HTTP reaches the hub through this; it replaces the rooms module's do-nothing default
        // whichever of the two is registered first.
        services.RemoveAll<IRoomNotifier>();
        services.AddSingleton<IRoomNotifier, HubRoomNotifier>();
        return services;
    }

    public static HubEndpointConventionBuilder MapParleyHub(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHub<RoomHub>(Path);
}
