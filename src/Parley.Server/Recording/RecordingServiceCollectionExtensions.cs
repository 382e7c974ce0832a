namespace Parley.Server.Recording;

/// <summary>Registers server-side recording (after the media: it stops before the SFU does).</summary>
internal static class RecordingServiceCollectionExtensions
{
    public static IServiceCollection AddParleyRecording(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RecordingSettings>()
            .Bind(configuration.GetSection(RecordingSettings.SectionName))
            .Validate(s => !string.IsNullOrWhiteSpace(s.Path), $"{RecordingSettings.SectionName}:Path must be set")
            .Validate(s => s.MaxConcurrentRecordings > 0, $"{RecordingSettings.SectionName}:MaxConcurrentRecordings must be positive")
            .Validate(s => s.MinFreeBytes >= 0, $"{RecordingSettings.SectionName}:MinFreeBytes must not be negative")
            .Validate(s => s.DownloadLinkLifetime > TimeSpan.Zero && s.DownloadLinkLifetime <= TimeSpan.FromDays(1), $"{RecordingSettings.SectionName}:DownloadLinkLifetime must be positive and at most a day")
            .Validate(s => s.StopTimeout > TimeSpan.Zero && s.StartTimeout > TimeSpan.Zero, $"{RecordingSettings.SectionName}: StopTimeout and StartTimeout must be positive")
            .Validate(s => s.Width is >= 160 and <= 3840 && s.Height is >= 90 and <= 2160 && s.FrameRate is > 0 and <= 60,
                $"{RecordingSettings.SectionName}: Width, Height and FrameRate must be sensible (160–3840, 90–2160, 1–60)")
            .ValidateOnStart();
        services.AddSingleton<RecordingComposer>();
        services.AddSingleton<RecordingService>();
        services.AddSingleton<RecordingDownloadLinks>();
        services.AddHostedService(sp => sp.GetRequiredService<RecordingService>());
        return services;
    }
}
