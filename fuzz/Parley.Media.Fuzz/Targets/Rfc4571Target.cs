using Parley.Media.Net;

namespace Parley.Media.Fuzz.Targets;

/// <summary>
/// RFC 4571 framing as the TCP read loop uses it: read every complete frame from the front of the bytes, write
/// each back (the same bytes), and classify each packet the way the shared port does.
/// </summary>
internal static class Rfc4571Target
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        Span<byte> output = new byte[Rfc4571Framing.HeaderLength + Rfc4571Framing.MaxFrameLength];
        var remaining = input;
        while (Rfc4571Framing.TryReadFrame(remaining, out var frame, out var consumed))
        {
            FuzzInvariantException.Check(consumed == frame.Length + Rfc4571Framing.HeaderLength && consumed <= remaining.Length, "a frame is its header and its length");
            FuzzInvariantException.Check(Rfc4571Framing.TryWriteFrame(frame, output, out var written) && written == consumed, "a read frame writes");
            FuzzInvariantException.Check(output[..written].SequenceEqual(remaining[..consumed]), "a frame round-trips byte for byte");
            _ = PacketDemux.Classify(frame);
            remaining = remaining[consumed..];
        }

        FuzzInvariantException.Check(remaining.Length < Rfc4571Framing.HeaderLength + Rfc4571Framing.MaxFrameLength, "an incomplete tail is shorter than the largest frame");
    }
}
