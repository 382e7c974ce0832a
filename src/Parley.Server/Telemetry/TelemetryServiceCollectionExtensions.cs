using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Parley.Media.Diagnostics;

namespace Parley.Server.Telemetry;

/// <summary>
/// Metrics through OpenTelemetry: Parley's meters (<see cref="MediaMetrics"/>, <see cref="ServerMetrics"/>), ASP.NET Core
/// and the runtime. Nothing is exported unless configured, because a default install must not expose its internals:
/// OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>Telemetry:Otlp:Endpoint</c> is set, a Prometheus scrape endpoint
/// at <c>/metrics</c> when <c>Telemetry:Prometheus:Enabled</c> is true.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    public const string PrometheusPath = "/metrics";

    public static IServiceCollection AddParleyTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = TelemetrySettings.From(configuration);
        if (!settings.AnyExporter)
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("parley"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MediaMetrics.MeterName, ServerMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation();
                if (settings.PrometheusEnabled)
                {
                    metrics.AddPrometheusExporter();
                }

                if (settings.OtlpConfigured)
                {
                    // The exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself; the setting overrides them.
                    metrics.AddOtlpExporter(options =>
                    {
                        if (settings.OtlpEndpoint is { } endpoint)
                        {
                            options.Endpoint = endpoint;
                        }
                    });
                }
            });
        return services;
    }

    /// <summary>Creates the meters up front (so a scrape shows them before anyone joins) and maps <c>/metrics</c> if enabled.</summary>
    public static WebApplication MapParleyTelemetry(this WebApplication app)
    {
        var settings = TelemetrySettings.From(app.Configuration);
        if (!settings.AnyExporter)
        {
            return app;
        }

        _ = app.Services.GetRequiredService<ServerMetrics>();
        MediaMetrics.EnsureMeterCreated();
        if (settings.PrometheusEnabled)
        {
            app.MapPrometheusScrapingEndpoint(PrometheusPath);
        }

        return app;
    }
}

/// <summary>The <c>Telemetry</c> section, and the standard OTLP endpoint variable.</summary>
internal sealed record TelemetrySettings(bool PrometheusEnabled, Uri? OtlpEndpoint, bool OtlpConfigured)
{
    public const string SectionName = "Telemetry";

    public bool AnyExporter => PrometheusEnabled || OtlpConfigured;

    public static TelemetrySettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var prometheus = section.GetValue("Prometheus:Enabled", false);
        var endpoint = section["Otlp:Endpoint"];
        Uri? otlpEndpoint = null;
        if (!string.IsNullOrWhiteSpace(endpoint) && !Uri.TryCreate(endpoint, UriKind.Absolute, out otlpEndpoint))
        {
            throw new InvalidOperationException($"{SectionName}:Otlp:Endpoint must be an absolute URI, not '{endpoint}'.");
        }

        var otlp = otlpEndpoint is not null || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        return new TelemetrySettings(prometheus, otlpEndpoint, otlp);
    }
}
