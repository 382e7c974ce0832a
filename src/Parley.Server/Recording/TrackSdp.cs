using System.Globalization;
using System.Text;

namespace Parley.Server.Recording;

/// <summary>What ffmpeg must know to read one RTP stream: where it arrives and how its payload is coded.</summary>
/// <param name="IsVideo">Video (m=video) or audio (m=audio).</param>
/// <param name="Port">The RTP port ffmpeg listens on (RTCP on the next one).</param>
/// <param name="PayloadType">The consumer's payload type.</param>
/// <param name="Codec">The encoding name, e.g. <c>VP8</c>, <c>opus</c>.</param>
/// <param name="ClockRate">The RTP clock rate.</param>
/// <param name="Channels">Audio channels, or null.</param>
/// <param name="FormatParameters">The codec's <c>a=fmtp</c> parameters, in order (empty for none).</param>
internal sealed record TrackSdpInput(
    bool IsVideo, int Port, int PayloadType, string Codec, int ClockRate, int? Channels, IReadOnlyList<KeyValuePair<string, string>> FormatParameters);

/// <summary>The SDP file that ffmpeg's RTP demuxer reads for one track (a pure function, tested byte-for-byte).</summary>
internal static class TrackSdp
{
    /// <summary>The SDP: loopback only, one media section, RTCP on the port after RTP.</summary>
    public static string Build(TrackSdpInput track)
    {
        var invariant = CultureInfo.InvariantCulture;
        var sdp = new StringBuilder();
        sdp.Append("v=0\r\n");
        sdp.Append("o=- 0 0 IN IP4 127.0.0.1\r\n");
        sdp.Append("s=Parley recording\r\n");
        sdp.Append("c=IN IP4 127.0.0.1\r\n");
        sdp.Append("t=0 0\r\n");
        sdp.Append(invariant, $"m={(track.IsVideo ? "video" : "audio")} {track.Port} RTP/AVP {track.PayloadType}\r\n");
        sdp.Append(invariant, $"a=rtcp:{track.Port + 1}\r\n");
        sdp.Append(invariant, $"a=rtpmap:{track.PayloadType} {track.Codec}/{track.ClockRate}");
        if (track.Channels is { } channels)
        {
            sdp.Append(invariant, $"/{channels}");
        }

        sdp.Append("\r\n");
        if (track.FormatParameters.Count > 0)
        {
            sdp.Append(invariant, $"a=fmtp:{track.PayloadType} ");
            sdp.AppendJoin(';', track.FormatParameters.Select(p => p.Key + "=" + p.Value));
            sdp.Append("\r\n");
        }

        sdp.Append("a=recvonly\r\n");
        return sdp.ToString();
    }

    /// <summary>The container a codec is copied into without re-encoding: WebM for VP8, VP9 and Opus, Matroska otherwise (H264).</summary>
    public static string FileExtension(string codec) =>
        codec.ToUpperInvariant() is "VP8" or "VP9" or "OPUS" ? ".webm" : ".mkv";
}
