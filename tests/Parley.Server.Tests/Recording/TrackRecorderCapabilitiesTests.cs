using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Transports;
using Parley.Server.Recording;

namespace Parley.Server.Tests.Recording;

/// <summary>
/// A track is recorded by ffmpeg from a plain consumer, and ffmpeg cannot unwrap RED (RFC 2198): the recording's
/// consumer of a producer sending RED must ask for plain Opus, although a plain consumer listing RED is sent RED.
/// </summary>
public sealed class TrackRecorderCapabilitiesTests
{
    [Fact]
    public async Task The_recording_consumes_a_red_producer_as_plain_opus()
    {
        await using var worker = new Worker("red-recording");
        var router = await worker.CreateRouterAsync();
        var producerTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions { Comedia = true });
        var producer = await producerTransport.ProduceAsync(MediaKind.Audio, new RtpParameters
        {
            Codecs =
            [
                new RtpCodecParameters { MimeType = "audio/red", PayloadType = 63, ClockRate = 48000, Channels = 2 },
                new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 111, ClockRate = 48000, Channels = 2 },
            ],
            Encodings = [new RtpEncodingParameters { Ssrc = 1111 }],
            Rtcp = new RtcpParameters { Cname = "red" },
        });
        var recordingTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions());

        var asRecorded = await recordingTransport.ConsumeAsync(producer.Id, TrackRecorder.DecodableCapabilities(router.RtpCapabilities));
        var withRed = await recordingTransport.ConsumeAsync(producer.Id, router.RtpCapabilities);

        Assert.Equal(["audio/opus"], asRecorded.RtpParameters.Codecs.Select(c => c.MimeType));
        Assert.Equal(["audio/red", "audio/opus"], withRed.RtpParameters.Codecs.Select(c => c.MimeType));
        Assert.Contains(router.RtpCapabilities.Codecs, c => c.MimeType == "audio/red");
    }
}
