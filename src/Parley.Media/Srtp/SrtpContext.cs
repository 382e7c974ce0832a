using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parley.Media.Srtp;

/// <summary>
/// One direction (send or receive) of one DTLS-SRTP association; many SSRCs. Protects and unprotects RTP
/// (RFC 3711, RFC 7714) and RTCP in place over spans, tracking per SSRC the rollover counter and a
/// 128-packet replay window. Not thread-safe: one context belongs to one sending or receiving loop.
/// </summary>
/// <remarks>
/// Malformed input is reported through <see cref="SrtpResult"/>, never thrown; after a failed unprotect the
/// buffer's contents are unspecified (AES-GCM wipes what it could not authenticate). Receive-side state for an SSRC
/// is created only after a packet of it authenticated, so forged packets cannot grow the SSRC map.
/// </remarks>
internal sealed class SrtpContext : IDisposable
{
    private const int RtpFixedHeaderLength = 12;
    private const int RtcpHeaderAndSsrcLength = 8;

    private readonly SrtpTransform _transform;
    private readonly Dictionary<uint, SrtpStream> _streams = new();
    private bool _disposed;

    /// <summary>Creates a context from the master key and salt of <paramref name="profile"/> (RFC 3711 §4.3 key derivation, kdr = 0).</summary>
    /// <exception cref="ArgumentException">The key or salt length does not match the profile.</exception>
    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != SrtpProfileInfo.MasterKeyLength(profile))
            throw new ArgumentException($"{profile} needs a {SrtpProfileInfo.MasterKeyLength(profile)}-byte master key.", nameof(masterKey));
        if (masterSalt.Length != SrtpProfileInfo.MasterSaltLength(profile))
            throw new ArgumentException($"{profile} needs a {SrtpProfileInfo.MasterSaltLength(profile)}-byte master salt.", nameof(masterSalt));
        Profile = profile;
        _transform = SrtpTransform.Create(profile, masterKey, masterSalt);
    }

    /// <summary>Wraps a transform built from session keys directly (RFC 7714's vectors are given that way).</summary>
    internal SrtpContext(SrtpProfile profile, SrtpTransform transform)
    {
        Profile = profile;
        _transform = transform;
    }

    /// <summary>The protection profile of this context.</summary>
    public SrtpProfile Profile { get; }

    /// <summary>Bytes <see cref="ProtectRtp"/> appends to an RTP packet under <paramref name="profile"/>.</summary>
    public static int RtpOverhead(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 => 10,
        SrtpProfile.AesCm128HmacSha1_32 => 4,
        SrtpProfile.AeadAes128Gcm or SrtpProfile.AeadAes256Gcm => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile."),
    };

    /// <summary>Bytes <see cref="ProtectRtcp"/> appends to an RTCP packet under <paramref name="profile"/> (tag + E/index word).</summary>
    public static int RtcpOverhead(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1_80 or SrtpProfile.AesCm128HmacSha1_32 => 14,
        SrtpProfile.AeadAes128Gcm or SrtpProfile.AeadAes256Gcm => 20,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unknown SRTP profile."),
    };

    /// <summary>
    /// Encrypts and authenticates the RTP packet in the first <paramref name="length"/> bytes of
    /// <paramref name="buffer"/>, appending the tag; the buffer needs <see cref="RtpOverhead"/> spare bytes.
    /// </summary>
    public SrtpResult ProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (_disposed)
            return SrtpResult.Disposed;
        if (length < 0 || length > buffer.Length || !TryGetRtpHeaderLength(buffer.Slice(0, length), out int headerLength))
            return SrtpResult.TooShort;
        int overhead = _transform.RtpOverhead;
        if (buffer.Length - length < overhead)
            return SrtpResult.BufferTooSmall;

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(8));
        ushort sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2));
        ref SrtpStream stream = ref CollectionsMarshal.GetValueRefOrAddDefault(_streams, ssrc, out _);
        if (!SrtpPacketIndex.TryEstimate(stream.Rtp.HasHighest, stream.Rtp.Highest, sequenceNumber, out ulong index))
            return SrtpResult.TooOldPacket;

        _transform.ProtectRtp(buffer.Slice(0, length + overhead), headerLength, length, ssrc, index);
        stream.Rtp.Accept(index);
        protectedLength = length + overhead;
        return SrtpResult.Ok;
    }

    /// <summary>
    /// Verifies and decrypts the SRTP packet in the first <paramref name="length"/> bytes of
    /// <paramref name="buffer"/> in place; on success the plain RTP packet is its first <paramref name="plainLength"/> bytes.
    /// </summary>
    public SrtpResult UnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if (_disposed)
            return SrtpResult.Disposed;
        int overhead = _transform.RtpOverhead;
        if (length < 0 || length > buffer.Length || length < RtpFixedHeaderLength + overhead
            || !TryGetRtpHeaderLength(buffer.Slice(0, length - overhead), out int headerLength))
            return SrtpResult.TooShort;

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(8));
        ushort sequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2));
        ref SrtpStream known = ref CollectionsMarshal.GetValueRefOrNullRef(_streams, ssrc);
        SrtpReplayWindow window = Unsafe.IsNullRef(ref known) ? default : known.Rtp;
        if (!SrtpPacketIndex.TryEstimate(window.HasHighest, window.Highest, sequenceNumber, out ulong index))
            return SrtpResult.TooOldPacket;
        SrtpResult replay = window.Check(index);
        if (replay != SrtpResult.Ok)
            return replay;

        if (!_transform.UnprotectRtp(buffer.Slice(0, length), headerLength, length, ssrc, index))
            return SrtpResult.AuthenticationFailed;

        ref SrtpStream stream = ref CollectionsMarshal.GetValueRefOrAddDefault(_streams, ssrc, out _);
        stream.Rtp.Accept(index);
        plainLength = length - overhead;
        return SrtpResult.Ok;
    }

    /// <summary>
    /// Encrypts and authenticates the (compound) RTCP packet in the first <paramref name="length"/> bytes of
    /// <paramref name="buffer"/>, appending tag and SRTCP index; the buffer needs <see cref="RtcpOverhead"/> spare bytes.
    /// </summary>
    public SrtpResult ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (_disposed)
            return SrtpResult.Disposed;
        if (length < RtcpHeaderAndSsrcLength || length > buffer.Length)
            return SrtpResult.TooShort;
        if (buffer.Length - length < _transform.RtcpOverhead)
            return SrtpResult.BufferTooSmall;

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(4));
        ref SrtpStream stream = ref CollectionsMarshal.GetValueRefOrAddDefault(_streams, ssrc, out _);
        if (stream.NextRtcpIndex > 0x7FFF_FFFFu)
            return SrtpResult.IndexExhausted;
        uint index = stream.NextRtcpIndex++;
        protectedLength = _transform.ProtectRtcp(buffer, length, ssrc, index);
        return SrtpResult.Ok;
    }

    /// <summary>
    /// Verifies and decrypts the SRTCP packet in the first <paramref name="length"/> bytes of
    /// <paramref name="buffer"/> in place; on success the plain RTCP is its first <paramref name="plainLength"/> bytes.
    /// </summary>
    public SrtpResult UnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if (_disposed)
            return SrtpResult.Disposed;
        int overhead = _transform.RtcpOverhead;
        if (length < 0 || length > buffer.Length || length < RtcpHeaderAndSsrcLength + overhead)
            return SrtpResult.TooShort;

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(4));
        uint indexWord = _transform.ReadRtcpIndexWord(buffer.Slice(0, length));
        ulong index = indexWord & 0x7FFF_FFFFu;
        ref SrtpStream known = ref CollectionsMarshal.GetValueRefOrNullRef(_streams, ssrc);
        if (!Unsafe.IsNullRef(ref known))
        {
            SrtpResult replay = known.Rtcp.Check(index);
            if (replay != SrtpResult.Ok)
                return replay;
        }

        if (!_transform.UnprotectRtcp(buffer.Slice(0, length), length, ssrc, indexWord))
            return SrtpResult.AuthenticationFailed;

        ref SrtpStream stream = ref CollectionsMarshal.GetValueRefOrAddDefault(_streams, ssrc, out _);
        stream.Rtcp.Accept(index);
        plainLength = length - overhead;
        return SrtpResult.Ok;
    }

    /// <summary>Sets the SRTCP index the next packet of <paramref name="ssrc"/> is sent with (RFC 7714's vectors start mid-stream).</summary>
    internal void SetNextRtcpIndex(uint ssrc, uint index) =>
        CollectionsMarshal.GetValueRefOrAddDefault(_streams, ssrc, out _).NextRtcpIndex = index;

    /// <summary>The highest SRTP index accepted or sent for <paramref name="ssrc"/>: ROC · 2^16 + SEQ.</summary>
    internal ulong? HighestRtpIndex(uint ssrc) =>
        _streams.TryGetValue(ssrc, out SrtpStream stream) && stream.Rtp.HasHighest ? stream.Rtp.Highest : null;

    /// <summary>RTP header length including CSRCs and the extension block; false when it does not fit.</summary>
    private static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < RtpFixedHeaderLength || (packet[0] >> 6) != 2)
            return false;
        int length = RtpFixedHeaderLength + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
                return false;
            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(length + 2));
        }

        if (length > packet.Length)
            return false;
        headerLength = length;
        return true;
    }

    /// <summary>Releases the cipher and MAC handles; later calls return <see cref="SrtpResult.Disposed"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _transform.Dispose();
    }
}
