using System.Buffers.Binary;
using System.Diagnostics;

namespace Parley.LoadTest;

/// <summary>
/// The last bytes of every payload the generator sends: which encoding it belongs to (255: audio) and the
/// <see cref="Stopwatch"/> time it was sent at, so the receiver (the same process, the same clock) measures one-way
/// latency and bitrate per layer without trusting the server's account.
/// </summary>
internal static class MediaTrailer
{
    public const int Length = 9;

    public static void Write(Span<byte> payload, int encodingIndex, long sentAt)
    {
        var trailer = payload[^Length..];
        trailer[0] = (byte)encodingIndex;
        BinaryPrimitives.WriteInt64BigEndian(trailer[1..], sentAt);
    }

    public static bool TryRead(ReadOnlySpan<byte> payload, out int encodingIndex, out long sentAt)
    {
        encodingIndex = 0;
        sentAt = 0;
        if (payload.Length < Length)
            return false;
        var trailer = payload[^Length..];
        encodingIndex = trailer[0];
        sentAt = BinaryPrimitives.ReadInt64BigEndian(trailer[1..]);
        return true;
    }
}
