using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Parley.Server.Chat;

/// <summary>Registers chat: its settings, store, service and rate limiter.</summary>
internal static class ChatServiceCollectionExtensions
{
    public static IServiceCollection AddParleyChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChatSettings>()
            .Bind(configuration.GetSection(ChatSettings.SectionName))
            .Validate(s => s.Burst > 0 && s.RefillInterval > TimeSpan.Zero, $"{ChatSettings.SectionName}: Burst and RefillInterval must be positive")
            .ValidateOnStart();
        services.TryAddScoped<ChatStore>();
        services.TryAddScoped<ChatService>();
        services.TryAddSingleton<ChatRateLimiter>();
        return services;
    }
}
