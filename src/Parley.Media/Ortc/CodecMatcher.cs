namespace Parley.Media.Ortc;

/// <summary>
/// Decides whether two codec descriptions (capability or parameters) name the same codec, with
/// mediasoup's rules: MIME type, clock rate and channels always; in strict mode also H264
/// packetization-mode and profile (answering with a negotiated profile-level-id) and VP9 profile-id.
/// </summary>
internal static class CodecMatcher
{
    public static bool IsRtx(string mimeType) => mimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase) && mimeType.Length > 4;

    public static bool IsRtx(RtpCodecParameters codec) => IsRtx(codec.MimeType);

    public static bool IsRtx(RtpCodecCapability codec) => IsRtx(codec.MimeType);

    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> are the same codec. With
    /// <paramref name="modifyA"/> (only meaningful with <paramref name="strict"/>), <paramref name="a"/>'s
    /// H264 profile-level-id is replaced by the one negotiated between the two.
    /// </summary>
    public static bool Matches(ICodecDescription a, ICodecDescription b, bool strict, bool modifyA = false)
    {
        if (!string.Equals(a.MimeType, b.MimeType, StringComparison.OrdinalIgnoreCase)
            || a.ClockRate != b.ClockRate
            || a.Channels != b.Channels)
        {
            return false;
        }

        if (IsMimeType(a, "audio/multiopus"))
        {
            return SameParameter(a, b, "num_streams", null) && SameParameter(a, b, "coupled_streams", null);
        }

        if (IsMimeType(a, "video/H264") || IsMimeType(a, "video/H264-SVC"))
        {
            return !strict || MatchH264(a, b, modifyA);
        }

        if (IsMimeType(a, "video/VP9"))
        {
            return !strict || SameParameter(a, b, "profile-id", 0);
        }

        return true;
    }

    private static bool IsMimeType(ICodecDescription codec, string mimeType) =>
        string.Equals(codec.MimeType, mimeType, StringComparison.OrdinalIgnoreCase);

    private static bool MatchH264(ICodecDescription a, ICodecDescription b, bool modifyA)
    {
        if (!SameParameter(a, b, "packetization-mode", 0)
            || !H264ProfileLevelId.IsSameProfile(a.Parameters, b.Parameters)
            || !H264ProfileLevelId.TryGenerateForAnswer(a.Parameters, b.Parameters, out var answer))
        {
            return false;
        }

        if (modifyA)
        {
            if (answer is null)
            {
                a.Parameters.Remove("profile-level-id");
            }
            else
            {
                a.Parameters["profile-level-id"] = answer;
            }
        }

        return true;
    }

    /// <summary>Compares one parameter, an absent one counting as <paramref name="absentValue"/> (or as absent when null).</summary>
    private static bool SameParameter(ICodecDescription a, ICodecDescription b, string key, RtpParameterValue? absentValue)
    {
        RtpParameterValue? av = a.Parameters.TryGetValue(key, out var x) ? x : absentValue;
        RtpParameterValue? bv = b.Parameters.TryGetValue(key, out var y) ? y : absentValue;
        return av.HasValue == bv.HasValue && (!av.HasValue || av.Value == bv!.Value);
    }
}

/// <summary>The fields codec matching looks at, shared by capabilities and parameters.</summary>
internal interface ICodecDescription
{
    string MimeType { get; }

    int ClockRate { get; }

    int? Channels { get; }

    Dictionary<string, RtpParameterValue> Parameters { get; }
}
