using System.Text.Json;
using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

public sealed class RtpParametersTypeTests
{
    [Theory]
    [InlineData(OrtcTestData.AudioOpusFile, RtpParametersType.Simple)]
    [InlineData(OrtcTestData.Vp8SimulcastFile, RtpParametersType.Simulcast)]
    [InlineData(OrtcTestData.Vp9SvcFile, RtpParametersType.Svc)]
    [InlineData(OrtcTestData.H264File, RtpParametersType.Simple)]
    public void Captured_chromium_producers_have_mediasoups_type(string file, RtpParametersType expected)
    {
        Assert.Equal(expected, OrtcRules.GetRtpParametersType(OrtcTestData.Producer(file)));
    }

    [Theory]
    [InlineData(OrtcTestData.Vp8SimulcastFile, "L1T3", RtpParametersType.Simulcast)] // VP8 temporal layers: a simulcast consumer drops them
    [InlineData(OrtcTestData.H264File, "L1T3", RtpParametersType.Simulcast)]
    [InlineData(OrtcTestData.Vp9SvcFile, "L1T3", RtpParametersType.Svc)]
    [InlineData(OrtcTestData.Vp9SvcFile, "L1T1", RtpParametersType.Simple)]
    [InlineData(OrtcTestData.H264File, null, RtpParametersType.Simple)]
    public void One_encoding_is_typed_by_its_layers_and_codec(string file, string? scalabilityMode, RtpParametersType expected)
    {
        var parameters = OrtcTestData.Producer(file);
        parameters.Encodings.RemoveRange(1, parameters.Encodings.Count - 1);
        parameters.Encodings[0].ScalabilityMode = scalabilityMode;

        Assert.Equal(expected, OrtcRules.GetRtpParametersType(parameters));
    }

    [Fact]
    public void Audio_with_layers_has_no_type()
    {
        var parameters = OrtcTestData.Producer(OrtcTestData.AudioOpusFile);
        parameters.Encodings[0].ScalabilityMode = "L1T2";

        Assert.True(Assert.Throws<OrtcException>(() => OrtcRules.GetRtpParametersType(parameters)).IsUnsupported);
    }

    [Fact]
    public void Types_serialize_as_mediasoup_names()
    {
        Assert.Equal("""["simple","simulcast","svc","pipe"]""", JsonSerializer.Serialize(Enum.GetValues<RtpParametersType>()));
    }
}
