using System.Net;
using Microsoft.Extensions.Options;
using Parley.Media.Dtls;
using Parley.Media.Net;
using Parley.Media.Routing;

namespace Parley.Server.RoomMedia;

/// <summary>
/// The process's media engine: one <see cref="WorkerPool"/> (a worker per core), one <see cref="WebRtcServer"/> on
/// the shared port and one DTLS certificate, started with the app and disposed when it stops.
/// </summary>
internal sealed class MediaEngine(IOptions<MediaSettings> options, ILogger<MediaEngine> logger, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private WorkerPool? _workers;
    private WebRtcServer? _server;
    private DtlsCertificate? _certificate;

    public WorkerPool Workers => _workers ?? throw NotStarted();

    public WebRtcServer WebRtcServer => _server ?? throw NotStarted();

    public DtlsCertificate Certificate => _certificate ?? throw NotStarted();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!IPAddress.TryParse(settings.ListenAddress, out var listen))
        {
            throw new InvalidOperationException($"{MediaSettings.SectionName}:ListenAddress '{settings.ListenAddress}' is not an IP address.");
        }

        _certificate = DtlsCertificate.Generate();
        _server = new WebRtcServer(new WebRtcServerOptions
        {
            ListenAddress = listen,
            AnnouncedAddress = string.IsNullOrWhiteSpace(settings.AnnouncedAddress) ? null : settings.AnnouncedAddress,
            AnnouncedPort = settings.AnnouncedPort,
            Port = settings.Port,
        });
        _server.Start();
        // The workers log their own faults (category Parley.Media.Worker).
        var defaults = new WorkerPoolOptions();
        _workers = new WorkerPool(new WorkerPoolOptions
        {
            WorkerCount = settings.WorkerCount,
            LoggerFactory = loggerFactory,
            MaxQueueDelay = settings.MaxQueueDelay ?? defaults.MaxQueueDelay,
        });

        MediaLog.Started(logger, settings.ListenAddress, _server.UdpPort, _server.TcpPort, _workers.Workers.Count);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_workers is { } workers)
        {
            _workers = null;
            await workers.DisposeAsync();
        }

        if (_server is { } server)
        {
            _server = null;
            server.Dispose();
        }
    }

    private static InvalidOperationException NotStarted() => new("The media engine has not started (or has stopped).");
}
