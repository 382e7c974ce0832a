namespace Parley.LoadTest;

/// <summary>
/// One freeze as the receiver saw it, to tell where it came from: a stream that went silent (nothing forwarded, e.g.
/// a paused or switching consumer) differs from one whose packets kept arriving without completing a frame, and a
/// freeze that every stream shared at once points at the generator's own process.
/// </summary>
/// <param name="AtSeconds">When the gap began, seconds from the start of the measured window (negative: before it).</param>
/// <param name="GapMilliseconds">From the last complete frame before the gap to the first after it (or the window's end).</param>
/// <param name="Participant">The receiving participant's index.</param>
/// <param name="ProducerUserId">Whose stream froze.</param>
/// <param name="IsVideo">Video (a gap between complete frames) or audio (a gap between packets).</param>
/// <param name="PacketsInGap">This stream's packets that arrived during the gap (0: the server sent nothing).</param>
/// <param name="LayerBefore">The sender's encoding of the last frame before the gap.</param>
/// <param name="LayerAfter">The encoding of the frame that ended it (-1: still frozen at the window's end).</param>
/// <param name="KeyFrameAfter">Whether the frame that ended it was a keyframe (a switch or a PLI answered).</param>
internal sealed record FreezeRecord(
    double AtSeconds, double GapMilliseconds, int Participant, string ProducerUserId, bool IsVideo, long PacketsInGap, int LayerBefore, int LayerAfter, bool KeyFrameAfter)
{
    /// <summary>Set after the window: the gap overlapped a stall of the generator's own process (its freeze, not the server's).</summary>
    public bool DuringGeneratorStall { get; init; }

    public bool Overlaps(GeneratorStall stall) =>
        stall.AtSeconds < AtSeconds + GapMilliseconds / 1000 && AtSeconds < stall.AtSeconds + stall.Milliseconds / 1000;
}

/// <summary>Which side of the generator stalled: its pacer (sending) or its thread pool (receiving).</summary>
internal enum GeneratorStallKind
{
    Send,
    Receive,
}

/// <summary>A stall of the generator's own process: which side, when (seconds from the window's start), how long.</summary>
internal sealed record GeneratorStall(GeneratorStallKind Kind, double AtSeconds, double Milliseconds);
