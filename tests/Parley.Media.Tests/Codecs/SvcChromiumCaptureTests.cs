namespace Parley.Media.Tests.Codecs;

/// <summary>
/// Real Chromium encoding one scalable stream: the parsers read every packet it sends as they read the checked-in
/// captures. With <c>PARLEY_SVC_FIXTURES</c> set to a folder, the packets are also written there as fixtures (how the
/// ones under Codecs/Fixtures were made).
/// </summary>
public sealed class SvcChromiumCaptureTests
{
    private const int PacketCount = 100;

    [Fact]
    public async Task Chromium_vp9_l3t3_key_reads()
    {
        var fixture = await Record("video/VP9", "L3T3_KEY", "vp9-l3t3-key.hex");
        SvcFixtureChecks.AssertVp9KeySvc(fixture);
    }

    [Fact]
    public async Task Chromium_av1_l3t3_with_the_dependency_descriptor_reads()
    {
        var fixture = await Record("video/AV1", "L3T3", "av1-l3t3.hex");
        SvcFixtureChecks.AssertAv1FullSvc(fixture);
    }

    private static async Task<SvcFixture> Record(string mimeType, string mode, string fixtureName)
    {
        var fixture = await SvcCapture.RecordAsync(mimeType, mode, PacketCount);
        if (Environment.GetEnvironmentVariable("PARLEY_SVC_FIXTURES") is { Length: > 0 } folder)
        {
            fixture.Save(Path.Combine(folder, fixtureName));
        }

        Assert.Equal(PacketCount, fixture.Packets.Count);
        return fixture;
    }
}
