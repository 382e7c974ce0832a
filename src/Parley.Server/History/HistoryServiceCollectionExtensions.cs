using Parley.Server.Membership;
using Parley.Server.RoomMedia;

namespace Parley.Server.History;

internal static class HistoryServiceCollectionExtensions
{
    /// <summary>The history recorder behind the membership and media seams, its writer, the retention cleanup and the queries.</summary>
    public static IServiceCollection AddParleyHistory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HistorySettings>()
            .Bind(configuration.GetSection(HistorySettings.SectionName))
            .Validate(s => s.RetentionDays >= 0, $"{HistorySettings.SectionName}:RetentionDays must be 0 (keep forever) or more")
            .Validate(s => s.CleanupInterval > TimeSpan.Zero, $"{HistorySettings.SectionName}:CleanupInterval must be positive")
            .Validate(s => s.ReconnectGrace >= TimeSpan.Zero, $"{HistorySettings.SectionName}:ReconnectGrace must not be negative")
            .ValidateOnStart();
        services.AddSingleton<HistoryRecorder>();
        services.AddSingleton<IRoomActivitySink>(sp => sp.GetRequiredService<HistoryRecorder>());
        services.AddSingleton<IMediaUseSink>(sp => sp.GetRequiredService<HistoryRecorder>());
        services.AddHostedService<HistoryWriter>();
        services.AddSingleton<HistoryRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<HistoryRetention>());
        services.AddScoped<HistoryQueries>();
        return services;
    }
}
