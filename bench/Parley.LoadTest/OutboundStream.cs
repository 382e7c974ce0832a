using System.Text;
using Parley.Media.Rtc;

namespace Parley.LoadTest;

/// <summary>One RTP stream a participant sends: its numbering, its send history (video only) and its SR counts.</summary>
internal sealed class OutboundStream(uint ssrc, byte payloadType, uint clockRate, int encodingIndex, string? rid, uint rtxSsrc, bool keepHistory) : IDisposable
{
    /// <summary>Guards <see cref="History"/>: the pacer stores, the receive task reads for NACKs.</summary>
    public readonly Lock Gate = new();

    public uint Ssrc { get; } = ssrc;

    public byte PayloadType { get; } = payloadType;

    public uint ClockRate { get; } = clockRate;

    /// <summary>The simulcast encoding (0 lowest), or <see cref="AudioIndex"/>.</summary>
    public int EncodingIndex { get; } = encodingIndex;

    public const int AudioIndex = 255;

    public byte[]? Rid { get; } = rid is null ? null : Encoding.ASCII.GetBytes(rid);

    public uint RtxSsrc { get; } = rtxSsrc;

    public RetransmissionBuffer? History { get; } = keepHistory ? new RetransmissionBuffer(capacity: 2048) : null;

    public ushort NextSequence = (ushort)Random.Shared.Next(0, 0x8000);

    /// <summary>RTX numbering, touched by the receive task only.</summary>
    public ushort NextRtxSequence = (ushort)Random.Shared.Next(0, 0x8000);

    public uint TimestampBase { get; } = (uint)Random.Shared.Next();

    public long Packets;
    public long Octets;

    /// <summary>Set by a PLI or FIR for this stream; the next frame is a keyframe.</summary>
    public volatile bool KeyFrameRequested = true;

    // VP8 picture numbering of this encoding (Chromium numbers each simulcast stream on its own).
    public ushort PictureId = (ushort)Random.Shared.Next(0, 0x8000);
    public byte Tl0PicIdx;
    public int FramesSinceKey;

    public void Dispose()
    {
        lock (Gate)
            History?.Dispose();
    }
}
