using System.Diagnostics.Metrics;
using Parley.Media.Net;
using Parley.Media.Transports;

namespace Parley.Media.Diagnostics;

/// <summary>
/// The <c>Parley.Media</c> meter: live workers, routers, transports, producers and consumers, and cumulative RTP
/// traffic and drops, in OpenTelemetry's naming. Values come from snapshots each worker publishes about once a second,
/// so they lag by up to <see cref="RefreshInterval"/>; listen with any <see cref="MeterListener"/> or OpenTelemetry.
/// </summary>
public static class MediaMetrics
{
    /// <summary>The meter's name, to subscribe to (OpenTelemetry's <c>AddMeter</c>).</summary>
    public const string MeterName = "Parley.Media";

    /// <summary>How often each worker refreshes the snapshot the meter reads.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private static readonly string[] TransportDropReasons = Enum.GetNames<RtpDropReason>();
    private static readonly string[] ConnectionDropReasons = Enum.GetNames<WebRtcDropReason>();
    private static readonly string[] ServerDropReasons = Enum.GetNames<DropReason>();
    private static readonly string[] OverloadDropReasons = Enum.GetNames<Routing.OverloadDropReason>();

    /// <summary>Where workers and WebRTC servers register; read by the meter's callbacks.</summary>
    internal static MediaStatisticsRegistry Registry { get; } = new();

    /// <summary>Created with <see cref="Registry"/>, so it exists once any worker or server does.</summary>
    internal static Meter Meter { get; } = CreateMeter(MeterName, Registry);

    /// <summary>
    /// Creates the meter now if no worker or server has yet, so an exporter shows its instruments before anyone joins.
    /// </summary>
    public static void EnsureMeterCreated() => _ = Meter;

    /// <summary>A meter over <paramref name="registry"/> (tests use their own, so parallel tests do not add up).</summary>
    internal static Meter CreateMeter(string name, MediaStatisticsRegistry registry)
    {
        var meter = new Meter(name, typeof(MediaMetrics).Assembly.GetName().Version?.ToString());
        meter.CreateObservableUpDownCounter("parley.media.workers", () => registry.Read().Workers, "{worker}", "Live media workers (threads).");
        meter.CreateObservableUpDownCounter("parley.media.routers", () => registry.Read().Counts.Routers, "{router}", "Open routers.");
        meter.CreateObservableUpDownCounter("parley.media.transports", () => Transports(registry.Read()), "{transport}", "Open transports by kind (webrtc, plain).");
        meter.CreateObservableUpDownCounter("parley.media.producers", () => Producers(registry.Read()), "{producer}", "Open producers by kind (audio, video).");
        meter.CreateObservableUpDownCounter("parley.media.consumers", () => registry.Read().Counts.Consumers, "{consumer}", "Open consumers.");
        meter.CreateObservableCounter("parley.media.rtp.packets.received", () => registry.Read().Traffic.RtpPacketsReceived, "{packet}", "RTP packets (RTX included) routed to producers.");
        meter.CreateObservableCounter("parley.media.rtp.packets.sent", () => registry.Read().Traffic.RtpPacketsSent, "{packet}", "RTP packets (RTX included) sent by transports.");
        meter.CreateObservableCounter("parley.media.rtp.bytes.received", () => registry.Read().Traffic.RtpBytesReceived, "By", "Bytes of the RTP packets received.");
        meter.CreateObservableCounter("parley.media.rtp.bytes.sent", () => registry.Read().Traffic.RtpBytesSent, "By", "Bytes of the RTP packets sent.");
        meter.CreateObservableCounter("parley.media.rtp.retransmissions.sent", () => registry.Read().Traffic.RetransmissionsSent, "{packet}", "RTP packets resent in answer to NACKs.");
        meter.CreateObservableCounter("parley.media.rtcp.nacks.received", () => registry.Read().Traffic.NacksReceived, "{nack}", "Generic NACK packets received from consumers' remote ends.");
        meter.CreateObservableCounter("parley.media.keyframe_requests.sent", () => registry.Read().Traffic.KeyFrameRequestsSent, "{request}", "PLIs sent to producers' remote ends (consumers' requests forwarded, or unrepaired loss).");
        meter.CreateObservableCounter("parley.media.packets.dropped", () => Dropped(registry.Read()), "{packet}", "Packets dropped, by layer (transport, webrtc, server, worker: too late to forward) and reason (the drop-reason enum's name).");
        meter.CreateObservableCounter("parley.media.datagrams.failed", () => registry.Read().FailedDatagrams, "{datagram}", "Datagrams whose handling threw (a bug; the worker carried on).");
        meter.CreateObservableCounter("parley.media.worker.faults", () => registry.Read().WorkerFaults, "{fault}", "Worker callbacks other than datagram handlers that threw, timers included (a bug; the worker carried on and closed what the callback belonged to).");
        return meter;
    }

    private static Measurement<long>[] Transports(MediaStatisticsSummary summary) =>
    [
        new(summary.Counts.WebRtcTransports, new KeyValuePair<string, object?>("kind", "webrtc")),
        new(summary.Counts.PlainTransports, new KeyValuePair<string, object?>("kind", "plain")),
    ];

    private static Measurement<long>[] Producers(MediaStatisticsSummary summary) =>
    [
        new(summary.Counts.AudioProducers, new KeyValuePair<string, object?>("kind", "audio")),
        new(summary.Counts.VideoProducers, new KeyValuePair<string, object?>("kind", "video")),
    ];

    private static List<Measurement<long>> Dropped(MediaStatisticsSummary summary)
    {
        var measurements = new List<Measurement<long>>(TransportDropReasons.Length + ConnectionDropReasons.Length + ServerDropReasons.Length + OverloadDropReasons.Length);
        AddDrops(measurements, "transport", TransportDropReasons, summary.Traffic.TransportDrops);
        AddDrops(measurements, "webrtc", ConnectionDropReasons, summary.Traffic.ConnectionDrops);
        AddDrops(measurements, "server", ServerDropReasons, summary.ServerDrops);
        AddDrops(measurements, "worker", OverloadDropReasons, summary.OverloadDrops);
        return measurements;
    }

    private static void AddDrops(List<Measurement<long>> measurements, string layer, string[] reasons, long[] counts)
    {
        for (var i = 0; i < reasons.Length; i++)
        {
            measurements.Add(new Measurement<long>(
                counts[i],
                new KeyValuePair<string, object?>("layer", layer),
                new KeyValuePair<string, object?>("reason", reasons[i])));
        }
    }
}
