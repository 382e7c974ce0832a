using System.Globalization;

namespace Parley.Media.Ortc;

/// <summary>H.264 profiles as WebRTC distinguishes them (RFC 6184 §8.1, <c>profile-level-id</c>).</summary>
internal enum H264Profile
{
    ConstrainedBaseline,
    Baseline,
    Main,
    ConstrainedHigh,
    High,
    PredictiveHigh444,
}

/// <summary>H.264 levels; the value is <c>level_idc</c>, except level 1b which has its own code.</summary>
internal enum H264Level
{
    Level1B = 0,
    Level1 = 10,
    Level1_1 = 11,
    Level1_2 = 12,
    Level1_3 = 13,
    Level2 = 20,
    Level2_1 = 21,
    Level2_2 = 22,
    Level3 = 30,
    Level3_1 = 31,
    Level3_2 = 32,
    Level4 = 40,
    Level4_1 = 41,
    Level4_2 = 42,
    Level5 = 50,
    Level5_1 = 51,
    Level5_2 = 52,
}

/// <summary>
/// The H.264 <c>profile-level-id</c>: three bytes of hex, profile_idc, profile_iop (the constraint
/// flags) and level_idc. The profile is read from profile_idc together with the constraint flags,
/// because Constrained Baseline is signaled as Baseline, Main or Extended with constraint flags set.
/// </summary>
internal readonly record struct H264ProfileLevelId(H264Profile Profile, H264Level Level)
{
    /// <summary>What RFC 6184 §8.1 says to assume when the parameter is absent: Constrained Baseline, level 3.1.</summary>
    public static readonly H264ProfileLevelId Default = new(H264Profile.ConstrainedBaseline, H264Level.Level3_1);

    private const byte ConstraintSet3Flag = 0x10;

    // Each profile_iop pattern is eight characters, most significant bit first: '1' and '0' must
    // match the bit, 'x' matches either.
    private static readonly (byte ProfileIdc, string IopPattern, H264Profile Profile)[] ProfilePatterns =
    [
        (0x42, "x1xx0000", H264Profile.ConstrainedBaseline),
        (0x4D, "1xxx0000", H264Profile.ConstrainedBaseline),
        (0x58, "11xx0000", H264Profile.ConstrainedBaseline),
        (0x42, "x0xx0000", H264Profile.Baseline),
        (0x58, "10xx0000", H264Profile.Baseline),
        (0x4D, "0x0x0000", H264Profile.Main),
        (0x64, "00000000", H264Profile.High),
        (0x64, "00001100", H264Profile.ConstrainedHigh),
        (0xF4, "00000000", H264Profile.PredictiveHigh444),
    ];

    /// <summary>Parses six hex digits; false for anything that is not a known profile and level.</summary>
    public static bool TryParse(string? text, out H264ProfileLevelId value)
    {
        value = default;
        if (text is null || text.Length != 6
            || !uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        var levelIdc = (byte)(bits & 0xFF);
        var profileIop = (byte)((bits >> 8) & 0xFF);
        var profileIdc = (byte)((bits >> 16) & 0xFF);

        H264Level level;
        if (levelIdc == (byte)H264Level.Level1_1 && (profileIop & ConstraintSet3Flag) != 0)
        {
            // Level 1b is level_idc 11 with constraint_set3_flag (RFC 6184 §8.1, table 5).
            level = H264Level.Level1B;
        }
        else if (levelIdc != 0 && Enum.IsDefined((H264Level)levelIdc))
        {
            level = (H264Level)levelIdc;
        }
        else
        {
            return false;
        }

        foreach (var (idc, pattern, profile) in ProfilePatterns)
        {
            if (idc == profileIdc && MatchesPattern(pattern, profileIop))
            {
                value = new H264ProfileLevelId(profile, level);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads <c>profile-level-id</c> from codec parameters: the default when absent or empty, false when invalid.
    /// </summary>
    public static bool TryParseFromParameters(IReadOnlyDictionary<string, RtpParameterValue> parameters, out H264ProfileLevelId value)
    {
        if (!HasProfileLevelId(parameters))
        {
            value = Default;
            return true;
        }

        return TryParse(parameters["profile-level-id"].ToString(), out value);
    }

    /// <summary>Whether the parameter is given; an empty one counts as absent, as in the libraries mediasoup uses.</summary>
    private static bool HasProfileLevelId(IReadOnlyDictionary<string, RtpParameterValue> parameters) =>
        parameters.TryGetValue("profile-level-id", out var raw) && raw.ToString().Length > 0;

    /// <summary>Six lowercase hex digits for this profile and level, or null if the pair cannot be written (level 1b outside Baseline/Main).</summary>
    public string? Format()
    {
        if (Level == H264Level.Level1B)
        {
            return Profile switch
            {
                H264Profile.ConstrainedBaseline => "42f00b",
                H264Profile.Baseline => "42100b",
                H264Profile.Main => "4d100b",
                _ => null,
            };
        }

        var profilePrefix = Profile switch
        {
            H264Profile.ConstrainedBaseline => "42e0",
            H264Profile.Baseline => "4200",
            H264Profile.Main => "4d00",
            H264Profile.ConstrainedHigh => "640c",
            H264Profile.High => "6400",
            H264Profile.PredictiveHigh444 => "f400",
            _ => null,
        };

        return profilePrefix is null ? null : profilePrefix + ((int)Level).ToString("x2", CultureInfo.InvariantCulture);
    }

    /// <summary>Whether both parameter sets name the same H.264 profile (levels may differ).</summary>
    public static bool IsSameProfile(IReadOnlyDictionary<string, RtpParameterValue> a, IReadOnlyDictionary<string, RtpParameterValue> b) =>
        TryParseFromParameters(a, out var pa) && TryParseFromParameters(b, out var pb) && pa.Profile == pb.Profile;

    /// <summary>
    /// The <c>profile-level-id</c> to answer with (RFC 6184 §8.2.2): our profile, and our level when both
    /// sides allow level asymmetry, else the lower of the two levels. Null when neither side gave the
    /// parameter (so the answer leaves it out too). False when either is invalid or the profiles differ.
    /// </summary>
    public static bool TryGenerateForAnswer(
        IReadOnlyDictionary<string, RtpParameterValue> local,
        IReadOnlyDictionary<string, RtpParameterValue> remote,
        out string? answer)
    {
        answer = null;
        if (!HasProfileLevelId(local) && !HasProfileLevelId(remote))
        {
            return true;
        }

        if (!TryParseFromParameters(local, out var localId) || !TryParseFromParameters(remote, out var remoteId)
            || localId.Profile != remoteId.Profile)
        {
            return false;
        }

        var levelAsymmetryAllowed = IsLevelAsymmetryAllowed(local) && IsLevelAsymmetryAllowed(remote);
        var level = levelAsymmetryAllowed ? localId.Level : Min(localId.Level, remoteId.Level);
        answer = new H264ProfileLevelId(localId.Profile, level).Format();
        return answer is not null;
    }

    /// <summary>Whether <c>level-asymmetry-allowed=1</c> is set (as a number or a string).</summary>
    public static bool IsLevelAsymmetryAllowed(IReadOnlyDictionary<string, RtpParameterValue> parameters) =>
        parameters.TryGetValue("level-asymmetry-allowed", out var value) && value.TryGetInt32(out var flag) && flag == 1;

    /// <summary>Orders levels by capability; level 1b sits between 1 and 1.1 although its code is 0.</summary>
    public static bool IsLessThan(H264Level a, H264Level b)
    {
        if (a == H264Level.Level1B)
        {
            return b != H264Level.Level1 && b != H264Level.Level1B;
        }

        if (b == H264Level.Level1B)
        {
            return a == H264Level.Level1;
        }

        return a < b;
    }

    public static H264Level Min(H264Level a, H264Level b) => IsLessThan(a, b) ? a : b;

    private static bool MatchesPattern(string pattern, byte value)
    {
        for (var bit = 0; bit < 8; bit++)
        {
            var expected = pattern[bit];
            var actual = (value >> (7 - bit)) & 1;
            if ((expected == '1' && actual != 1) || (expected == '0' && actual != 0))
            {
                return false;
            }
        }

        return true;
    }
}
