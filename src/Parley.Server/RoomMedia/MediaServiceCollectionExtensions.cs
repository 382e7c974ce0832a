namespace Parley.Server.RoomMedia;

/// <summary>Registers the SFU: the media engine (started with the app) and the rooms' media (<see cref="MediaRooms"/>, a <see cref="MediaRoom"/> per room) and their events.</summary>
internal static class MediaServiceCollectionExtensions
{
    /// <summary>The hub (<c>AddParleyHub</c>) relays the rooms' media events to the clients.</summary>
    public static IServiceCollection AddParleyMedia(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MediaSettings>()
            .Bind(configuration.GetSection(MediaSettings.SectionName))
            .Validate(s => s.Port is >= 0 and <= 65535, $"{MediaSettings.SectionName}:Port must be 0-65535")
            .Validate(s => s.RouterIdleTimeout >= TimeSpan.Zero, $"{MediaSettings.SectionName}:RouterIdleTimeout must not be negative")
            .Validate(s => s.WorkerCount is null or > 0, $"{MediaSettings.SectionName}:WorkerCount must be positive")
            .Validate(s => s.MaxQueueDelay is null || s.MaxQueueDelay >= TimeSpan.Zero, $"{MediaSettings.SectionName}:MaxQueueDelay must not be negative")
            .ValidateOnStart();
        services.AddSingleton<MediaEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<MediaEngine>());
        services.AddSingleton<RoomMediaEvents>();
        services.AddSingleton<MediaRooms>();
        services.AddSingleton<IRoomMedia>(sp => sp.GetRequiredService<MediaRooms>());
        services.AddScoped<MediaSignalingService>();
        return services;
    }
}
