namespace Parley.Media.Rtcp;

/// <summary>
/// A source description packet (RFC 3550 §6.5): a list of chunks, each an SSRC followed by typed items, an END
/// byte and null padding to the next 32-bit boundary. Parsing walks every chunk once, so the enumerators
/// returned afterwards never meet a malformed byte.
/// </summary>
internal readonly ref struct RtcpSourceDescription
{
    private readonly ReadOnlySpan<byte> _body;

    private RtcpSourceDescription(ReadOnlySpan<byte> body, int chunkCount)
    {
        _body = body;
        ChunkCount = chunkCount;
    }

    public int ChunkCount { get; }

    public SdesChunkEnumerator Chunks => new(_body, ChunkCount);

    public static bool TryParse(ReadOnlySpan<byte> packet, out RtcpSourceDescription description)
    {
        description = default;
        if (!RtcpHeader.TrySplit(packet, out var header, out var body) || header.PacketType != RtcpPacketType.SourceDescription)
        {
            return false;
        }

        var position = 0;
        for (var chunk = 0; chunk < header.Count; chunk++)
        {
            if (!SdesChunk.TryMeasure(body[position..], out var chunkLength))
            {
                return false;
            }

            position += chunkLength;
        }

        description = new RtcpSourceDescription(body[..position], header.Count);
        return true;
    }

    /// <summary>Writes an SDES packet with one chunk holding one CNAME item, the form every RTP sender emits.</summary>
    public static bool TryWriteCname(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cnameUtf8, out int written)
    {
        var builder = new RtcpSourceDescriptionBuilder(destination);
        written = 0;
        return builder.TryAddChunk(ssrc) && builder.TryAddItem(SdesItemType.Cname, cnameUtf8) && builder.TryFinish(out written);
    }
}
