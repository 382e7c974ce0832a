using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

public sealed class ScalabilityModeTests
{
    [Theory]
    [InlineData("L1T1", 1, 1, false)]
    [InlineData("L1T3", 1, 3, false)]
    [InlineData("L3T3", 3, 3, false)]
    [InlineData("L3T3_KEY", 3, 3, true)]
    [InlineData("S2T3", 2, 3, false)]
    [InlineData("L10T12", 10, 12, false)]
    public void Parses_spatial_and_temporal_layers(string text, int spatial, int temporal, bool keySvc)
    {
        Assert.True(ScalabilityMode.TryParse(text, out var mode));
        Assert.Equal(new ScalabilityMode(spatial, temporal, keySvc), mode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("L0T1")]
    [InlineData("L1T0")]
    [InlineData("X1T1")]
    [InlineData("L1")]
    [InlineData("LT1")]
    [InlineData("L1T1_KEYS")]
    [InlineData("L100T1")]
    [InlineData("l1t1")]
    public void Anything_else_is_not_a_mode_and_counts_as_one_layer(string? text)
    {
        Assert.False(ScalabilityMode.TryParse(text, out _));
        Assert.Equal(ScalabilityMode.Single, ScalabilityMode.Parse(text));
    }
}
