using Parley.Server.Membership;

namespace Parley.Server.Webhooks;

internal static class WebhookServiceCollectionExtensions
{
    /// <summary>Webhook registration, the outbox behind the membership service's activity seam, and the delivery service.</summary>
    public static IServiceCollection AddParleyWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookSettings>(configuration.GetSection(WebhookSettings.SectionName));
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<IRoomActivitySink, WebhookOutbox>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDispatcher>();
        services.AddScoped<WebhookRegistrations>();
        return services;
    }
}
