using FsCheck.Xunit;
using Parley.Media.Ortc;

namespace Parley.Media.Tests.Ortc;

public sealed class H264ProfileLevelIdTests
{
    // RFC 6184 §8.1 and WebRTC's table: profile_idc, profile_iop (constraint flags) and level_idc.
    [Theory]
    [InlineData("42e01f", "ConstrainedBaseline", "Level3_1")]
    [InlineData("42c02a", "ConstrainedBaseline", "Level4_2")]
    [InlineData("4de01f", "ConstrainedBaseline", "Level3_1")]
    [InlineData("58f01f", "ConstrainedBaseline", "Level3_1")]
    [InlineData("42a01f", "Baseline", "Level3_1")]
    [InlineData("42001f", "Baseline", "Level3_1")]
    [InlineData("58A01F", "Baseline", "Level3_1")]
    [InlineData("4d001f", "Main", "Level3_1")]
    [InlineData("4d0032", "Main", "Level5")]
    [InlineData("640c2a", "ConstrainedHigh", "Level4_2")]
    [InlineData("640032", "High", "Level5")]
    [InlineData("f4001f", "PredictiveHigh444", "Level3_1")]
    [InlineData("42f00b", "ConstrainedBaseline", "Level1B")]
    [InlineData("42100b", "Baseline", "Level1B")]
    [InlineData("4d100b", "Main", "Level1B")]
    [InlineData("42e00a", "ConstrainedBaseline", "Level1")]
    [InlineData("42e034", "ConstrainedBaseline", "Level5_2")]
    public void Parses_profile_from_idc_and_constraint_flags_and_level(string text, string profile, string level)
    {
        Assert.True(H264ProfileLevelId.TryParse(text, out var parsed));
        Assert.Equal(new H264ProfileLevelId(Enum.Parse<H264Profile>(profile), Enum.Parse<H264Level>(level)), parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("42e01")]
    [InlineData("42e01f0")]
    [InlineData("42e0zz")]
    [InlineData("42e000")] // level_idc 0
    [InlineData("42e0ff")] // level_idc 255
    [InlineData("42e017")] // level_idc 23 is no level
    [InlineData("000000")]
    [InlineData("64101f")] // High with constraint_set3: no WebRTC profile
    [InlineData("6e001f")] // High 10: not a WebRTC profile
    [InlineData("4d201f")] // Main with constraint_set2 only: no WebRTC profile
    public void Rejects_what_is_not_a_known_profile_and_level(string? text)
    {
        Assert.False(H264ProfileLevelId.TryParse(text, out _));
    }

    [Theory]
    [InlineData("ConstrainedBaseline", "Level3_1", "42e01f")]
    [InlineData("Baseline", "Level3_1", "42001f")]
    [InlineData("Main", "Level3_1", "4d001f")]
    [InlineData("ConstrainedHigh", "Level4_2", "640c2a")]
    [InlineData("High", "Level5_2", "640034")]
    [InlineData("PredictiveHigh444", "Level1", "f4000a")]
    [InlineData("ConstrainedBaseline", "Level1B", "42f00b")]
    [InlineData("Baseline", "Level1B", "42100b")]
    [InlineData("Main", "Level1B", "4d100b")]
    [InlineData("High", "Level1B", null)]
    public void Formats_profile_and_level(string profile, string level, string? expected)
    {
        Assert.Equal(expected, new H264ProfileLevelId(Enum.Parse<H264Profile>(profile), Enum.Parse<H264Level>(level)).Format());
    }

    [Property]
    public bool Format_then_parse_gives_back_the_same(int profileIndex, int levelIndex)
    {
        var profiles = Enum.GetValues<H264Profile>();
        var levels = Enum.GetValues<H264Level>();
        var id = new H264ProfileLevelId(profiles[Math.Abs(profileIndex % profiles.Length)], levels[Math.Abs(levelIndex % levels.Length)]);

        var text = id.Format();

        return text is null
            ? id.Level == H264Level.Level1B
            : H264ProfileLevelId.TryParse(text, out var back) && back == id;
    }

    [Fact]
    public void Level_1b_sorts_between_1_and_1_1()
    {
        Assert.True(H264ProfileLevelId.IsLessThan(H264Level.Level1, H264Level.Level1B));
        Assert.True(H264ProfileLevelId.IsLessThan(H264Level.Level1B, H264Level.Level1_1));
        Assert.False(H264ProfileLevelId.IsLessThan(H264Level.Level1B, H264Level.Level1));
        Assert.False(H264ProfileLevelId.IsLessThan(H264Level.Level1B, H264Level.Level1B));
        Assert.Equal(H264Level.Level1B, H264ProfileLevelId.Min(H264Level.Level3_1, H264Level.Level1B));
        Assert.Equal(H264Level.Level2, H264ProfileLevelId.Min(H264Level.Level2, H264Level.Level3));
    }

    [Fact]
    public void An_absent_profile_level_id_means_constrained_baseline_3_1()
    {
        Assert.True(H264ProfileLevelId.TryParseFromParameters(new Dictionary<string, RtpParameterValue>(), out var id));
        Assert.Equal(H264ProfileLevelId.Default, id);
        Assert.Equal("42e01f", id.Format());
    }

    [Fact]
    public void A_profile_level_id_given_as_a_json_number_is_read_as_its_digits()
    {
        // sdp-transform turns an all-digit fmtp value such as 640032 into a number.
        var parameters = new Dictionary<string, RtpParameterValue> { ["profile-level-id"] = 640032 };

        Assert.True(H264ProfileLevelId.TryParseFromParameters(parameters, out var id));
        Assert.Equal(new H264ProfileLevelId(H264Profile.High, H264Level.Level5), id);
    }

    [Theory]
    // local, remote, answer ("none" = no profile-level-id in the answer, "fail" = not negotiable)
    [InlineData(null, null, false, false, "none")]
    [InlineData("42e01f", null, true, true, "42e01f")]
    [InlineData(null, "42e01f", true, true, "42e01f")]
    [InlineData("42e01f", "42e034", true, true, "42e01f")]
    [InlineData("42e034", "42e01f", true, true, "42e034")]
    [InlineData("42e034", "42e01f", true, false, "42e01f")]
    [InlineData("42e034", "42e01f", false, true, "42e01f")]
    [InlineData("42e00b", "42f00b", false, false, "42f00b")]
    [InlineData("4d0028", "4d100b", false, false, "4d100b")] // libwebrtc; h264-profile-level-id 2.3.2 says 4d0028
    [InlineData("4d100b", "4d000a", false, false, "4d000a")]
    [InlineData("4d801f", "42e01f", false, false, "42e01f")] // Main with constraint_set0 is Constrained Baseline
    [InlineData("42e01f", "4d001f", true, true, "fail")]
    [InlineData("42e01f", "42e0zz", true, true, "fail")]
    [InlineData("640c1f", "640c2a", false, false, "640c1f")]
    public void Answer_keeps_our_level_only_when_both_allow_asymmetry(string? local, string? remote, bool localAsym, bool remoteAsym, string expected)
    {
        var result = H264ProfileLevelId.TryGenerateForAnswer(Params(local, localAsym), Params(remote, remoteAsym), out var answer);

        switch (expected)
        {
            case "fail":
                Assert.False(result);
                break;
            case "none":
                Assert.True(result);
                Assert.Null(answer);
                break;
            default:
                Assert.True(result);
                Assert.Equal(expected, answer);
                break;
        }
    }

    [Fact]
    public void Level_asymmetry_reads_a_string_or_a_number()
    {
        Assert.True(H264ProfileLevelId.IsLevelAsymmetryAllowed(new Dictionary<string, RtpParameterValue> { ["level-asymmetry-allowed"] = "1" }));
        Assert.True(H264ProfileLevelId.IsLevelAsymmetryAllowed(new Dictionary<string, RtpParameterValue> { ["level-asymmetry-allowed"] = 1 }));
        Assert.False(H264ProfileLevelId.IsLevelAsymmetryAllowed(new Dictionary<string, RtpParameterValue> { ["level-asymmetry-allowed"] = 0 }));
        Assert.False(H264ProfileLevelId.IsLevelAsymmetryAllowed(new Dictionary<string, RtpParameterValue>()));
    }

    private static Dictionary<string, RtpParameterValue> Params(string? profileLevelId, bool asymmetry)
    {
        var parameters = new Dictionary<string, RtpParameterValue>();
        if (profileLevelId is not null)
        {
            parameters["profile-level-id"] = profileLevelId;
        }

        if (asymmetry)
        {
            parameters["level-asymmetry-allowed"] = 1;
        }

        return parameters;
    }
}
