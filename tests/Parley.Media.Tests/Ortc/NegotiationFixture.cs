using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

/// <summary>A captured Chromium producer taken through the router, as Routing will do it.</summary>
internal sealed record ProducerUnderTest(MediaKind Kind, RtpParameters Parameters, RtpMapping Mapping, RtpParameters Consumable)
{
    public static ProducerUnderTest From(string file, RtpCapabilities? router = null)
    {
        router ??= OrtcTestData.RouterCapabilities();
        var parameters = OrtcTestData.Producer(file);
        OrtcRules.AssignProducerCname(parameters, transportCname: null);
        var kind = parameters.Codecs[0].MimeType.StartsWith("audio/", StringComparison.Ordinal) ? MediaKind.Audio : MediaKind.Video;
        var mapping = OrtcRules.GetProducerRtpParametersMapping(parameters, router);
        var consumable = OrtcRules.GetConsumableRtpParameters(kind, parameters, router, mapping);
        return new ProducerUnderTest(kind, parameters, mapping, consumable);
    }
}
