using Parley.Media.Fuzz.Targets;

namespace Parley.Media.Fuzz;

/// <summary>Every fuzz target by the name used on the command line, in fuzz/corpus/ and in fuzz/regressions/.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, FuzzTarget> All = new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["stun"] = StunTarget.Run,
        ["rtp"] = RtpTarget.Run,
        ["rtcp"] = RtcpTarget.Run,
        ["transport-cc"] = TransportCcTarget.Run,
        ["dtls"] = DtlsTarget.Run,
        ["rfc4571"] = Rfc4571Target.Run,
        ["vp8"] = CodecTargets.RunVp8,
        ["vp9"] = CodecTargets.RunVp9,
        ["h264"] = CodecTargets.RunH264,
        ["av1"] = CodecTargets.RunAv1,
    };
}
