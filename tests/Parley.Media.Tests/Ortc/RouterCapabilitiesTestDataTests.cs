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
    public void Checked_in_router_capabilities_are_what_the_code_generates() =>
        AssertCheckedIn(OrtcTestData.RouterCapabilitiesFile, OrtcTestData.RouterCapabilities());

    [Fact]
    public void Checked_in_router_media_codecs_are_the_defaults() =>
        AssertCheckedIn("routerMediaCodecs.json", RouterDefaults.MediaCodecs);

    private static void AssertCheckedIn<T>(string fileName, T value)
    {
        var generated = JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true });
        var path = OrtcTestData.PathOf(fileName);
        if (Environment.GetEnvironmentVariable("PARLEY_UPDATE_TESTDATA") == "1")
        {
            File.WriteAllText(path, generated + "\n");
        }

        var checkedIn = JsonNode.Parse(File.ReadAllText(path));
        Assert.True(
            OrtcTestData.SemanticallyEqual(JsonNode.Parse(generated), checkedIn),
            $"{path} differs from what the code generates; rerun with PARLEY_UPDATE_TESTDATA=1 and recapture");
    }
}
