using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

/// <summary>
/// The router capabilities that tools/capture-rtp feeds to mediasoup-client are checked in; this test
/// keeps them identical to what the code generates (set PARLEY_UPDATE_TESTDATA=1 to rewrite the file,
/// then run the capture tool again).
/// </summary>
public sealed class RouterCapabilitiesTestDataTests
{
    [Fact]
    public void Checked_in_router_capabilities_are_what_the_code_generates()
    {
        var generated = JsonSerializer.Serialize(OrtcTestData.RouterCapabilities(), new JsonSerializerOptions { WriteIndented = true });
        var path = OrtcTestData.PathOf(OrtcTestData.RouterCapabilitiesFile);
        if (Environment.GetEnvironmentVariable("PARLEY_UPDATE_TESTDATA") == "1")
        {
            File.WriteAllText(path, generated + "\n");
        }

        var checkedIn = JsonNode.Parse(File.ReadAllText(path));
        Assert.True(
            OrtcTestData.SemanticallyEqual(JsonNode.Parse(generated), checkedIn),
            $"{path} differs from GenerateRouterRtpCapabilities(RouterDefaults.MediaCodecs); rerun with PARLEY_UPDATE_TESTDATA=1 and recapture");
    }
}
