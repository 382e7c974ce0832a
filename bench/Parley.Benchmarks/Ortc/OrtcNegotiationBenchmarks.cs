using BenchmarkDotNet.Attributes;
using Parley.Media.Ortc;

namespace Parley.Benchmarks.Ortc;

/// <summary>
/// The control-plane cost of negotiation: a room of N people creates N producers per kind and
/// about N² consumers, each needing consumer parameters computed against the device's capabilities.
/// </summary>
[MemoryDiagnoser]
public class OrtcNegotiationBenchmarks
{
    private RtpCapabilities _router = null!;
    private RtpCapabilities _device = null!;
    private RtpParameters _producer = null!;
    private RtpParameters _consumable = null!;

    [GlobalSetup]
    public void Setup()
    {
        _router = OrtcRules.GenerateRouterRtpCapabilities(RouterDefaults.MediaCodecs);
        // mediasoup-client's device capabilities mirror the router's payload types and extension ids.
        _device = _router.Clone();
        _device.HeaderExtensions.RemoveAll(e => e.Direction == RtpHeaderExtensionDirection.RecvOnly);
        _producer = SimulcastVp8Producer();
        var mapping = OrtcRules.GetProducerRtpParametersMapping(_producer, _router);
        _consumable = OrtcRules.GetConsumableRtpParameters(MediaKind.Video, _producer, _router, mapping);
    }

    [Benchmark]
    public RtpCapabilities GenerateRouterCapabilities() => OrtcRules.GenerateRouterRtpCapabilities(RouterDefaults.MediaCodecs);

    [Benchmark]
    public RtpParameters Produce()
    {
        var parameters = _producer.Clone();
        OrtcRules.ValidateRtpParameters(parameters);
        var mapping = OrtcRules.GetProducerRtpParametersMapping(parameters, _router);
        return OrtcRules.GetConsumableRtpParameters(MediaKind.Video, parameters, _router, mapping);
    }

    [Benchmark]
    public RtpParameters Consume()
    {
        // CanConsume and GetConsumerRtpParameters validate the device capabilities in place; the
        // hub validates once per join, but each consume repeats it here, as a worst case.
        return OrtcRules.CanConsume(_consumable, _device)
            ? OrtcRules.GetConsumerRtpParameters(_consumable, _device)
            : throw new InvalidOperationException("the device cannot consume");
    }

    private static RtpParameters SimulcastVp8Producer() => new()
    {
        Mid = "1",
        Codecs =
        [
            new RtpCodecParameters
            {
                MimeType = "video/VP8",
                PayloadType = 96,
                ClockRate = 90000,
                RtcpFeedback = [new("goog-remb"), new("transport-cc"), new("ccm", "fir"), new("nack"), new("nack", "pli")],
            },
            new RtpCodecParameters { MimeType = "video/rtx", PayloadType = 97, ClockRate = 90000, Parameters = { ["apt"] = 96 } },
        ],
        HeaderExtensions =
        [
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.Mid, Id = 4 },
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.RtpStreamId, Id = 10 },
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.RepairedRtpStreamId, Id = 11 },
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.AbsSendTime, Id = 2 },
            new RtpHeaderExtensionParameters { Uri = RtpHeaderExtensionUris.TransportWideCcDraft01, Id = 3 },
        ],
        Encodings =
        [
            new RtpEncodingParameters { Rid = "r0", ScalabilityMode = "L1T3", ScaleResolutionDownBy = 4, MaxBitrate = 150_000 },
            new RtpEncodingParameters { Rid = "r1", ScalabilityMode = "L1T3", ScaleResolutionDownBy = 2, MaxBitrate = 500_000 },
            new RtpEncodingParameters { Rid = "r2", ScalabilityMode = "L1T3", ScaleResolutionDownBy = 1, MaxBitrate = 1_500_000 },
        ],
        Rtcp = new RtcpParameters { Cname = "bench", ReducedSize = true },
    };
}
