namespace Parley.Media.Ortc;

/// <summary>
/// How a producer's RTP maps onto the router's: its payload types to the router's, and each of its
/// encodings to the SSRC the router uses for it internally (what consumers are fed from).
/// </summary>
internal sealed class RtpMapping
{
    /// <summary>Producer payload type to router payload type, media codecs then RTX codecs.</summary>
    public List<RtpCodecMapping> Codecs { get; } = [];

    /// <summary>One entry per producer encoding, in the producer's order.</summary>
    public List<RtpEncodingMapping> Encodings { get; } = [];
}

/// <summary>A producer payload type and the router payload type it maps to.</summary>
/// <param name="PayloadType">The payload type in the producer's packets.</param>
/// <param name="MappedPayloadType">The router's payload type for the same codec.</param>
internal sealed record RtpCodecMapping(int PayloadType, int MappedPayloadType);

/// <summary>A producer encoding (found by SSRC or by RID) and the SSRC the router gives it.</summary>
/// <param name="Ssrc">The encoding's SSRC, when the producer signaled one.</param>
/// <param name="Rid">The encoding's RTP stream id, when the producer signaled one.</param>
/// <param name="ScalabilityMode">The encoding's scalability mode, when given.</param>
/// <param name="MappedSsrc">The SSRC the router uses for this encoding.</param>
internal sealed record RtpEncodingMapping(uint? Ssrc, string? Rid, string? ScalabilityMode, uint MappedSsrc);
