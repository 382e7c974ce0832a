namespace Parley.Media.Rtcp;

/// <summary>
/// Iterates the packets of a compound RTCP datagram (RFC 3550 §6.1), or of a single reduced-size packet
/// (RFC 5506). Every header is validated before it is returned: version 2, a length that stays inside the
/// datagram, and padding only on the last packet. Iteration stops at the first invalid header and sets
/// <see cref="IsMalformed"/>; the packets already returned stay usable.
/// </summary>
internal ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _datagram;
    private int _position;
    private RtcpHeader _currentHeader;
    private ReadOnlySpan<byte> _currentPacket;

    public RtcpCompoundReader(ReadOnlySpan<byte> datagram)
    {
        _datagram = datagram;
    }

    /// <summary>Header of the current packet.</summary>
    public readonly RtcpHeader CurrentHeader => _currentHeader;

    /// <summary>The current packet, header and padding included, ready for a per-type parser.</summary>
    public readonly ReadOnlySpan<byte> CurrentPacket => _currentPacket;

    /// <summary>Number of packets returned so far.</summary>
    public int PacketCount { get; private set; }

    /// <summary>True when iteration stopped on an invalid header rather than at the end of the datagram.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Validates a whole datagram without looking inside the packets.</summary>
    public static bool IsValid(ReadOnlySpan<byte> datagram)
    {
        var reader = new RtcpCompoundReader(datagram);
        while (reader.MoveNext())
        {
        }

        return !reader.IsMalformed && reader.PacketCount > 0;
    }

    public bool MoveNext()
    {
        if (IsMalformed || _position >= _datagram.Length)
        {
            IsMalformed |= _datagram.IsEmpty;
            return false;
        }

        var remaining = _datagram[_position..];
        if (!RtcpHeader.TryParse(remaining, out var header) || header.PacketLength > remaining.Length)
        {
            return Stop();
        }

        var packet = remaining[..header.PacketLength];
        var isLast = header.PacketLength == remaining.Length;
        if (header.Padding && (!isLast || !RtcpHeader.TrySplit(packet, out _, out _)))
        {
            return Stop();
        }

        _currentHeader = header;
        _currentPacket = packet;
        _position += header.PacketLength;
        PacketCount++;
        return true;
    }

    private bool Stop()
    {
        IsMalformed = true;
        _currentPacket = default;
        return false;
    }
}
