using System.Buffers.Binary;
using System.Text;
using Parley.Media.Ortc;
using Parley.Media.Rtp;

namespace Parley.Media.Transports;

/// <summary>
/// RID-only simulcast (what Chromium's mediasoup-client produces): encodings are signaled by <c>rid</c> without an
/// SSRC. Each such encoding gets a local stand-in SSRC (and one for RTX) before the producer is built; the first packet
/// of an unknown SSRC that carries the producer's MID and RID (or repaired RID) binds its real SSRC to the stand-in.
/// Inbound RTP is then rewritten to the stand-in in place, and the RTCP we send upstream (PLI, FIR, NACK, receiver
/// reports) back to the real SSRC.
/// </summary>
internal sealed class RidStreamResolver
{
    private readonly Dictionary<(string? Mid, string Rid), (uint Ssrc, uint? RtxSsrc)> _byRid = [];
    private readonly Dictionary<uint, uint> _standInByReal = [];
    private readonly Dictionary<uint, uint> _realByStandIn = [];
    private byte _midId;
    private byte _ridId;
    private byte _repairedRidId;

    public bool IsActive => _byRid.Count > 0;

    /// <summary>Gives RID-only encodings of <paramref name="parameters"/> stand-in SSRCs (on the worker, before routing).</summary>
    public void AssignStandIns(RtpParameters parameters)
    {
        var hasRtx = parameters.Codecs.Any(c => c.MimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase));
        foreach (var encoding in parameters.Encodings)
        {
            if (encoding.Ssrc is not null || string.IsNullOrEmpty(encoding.Rid))
            {
                continue;
            }

            encoding.Ssrc = SsrcGenerator.Next();
            if (hasRtx && encoding.Rtx is null)
            {
                encoding.Rtx = new RtxParameters { Ssrc = SsrcGenerator.Next() };
            }

            _byRid[(parameters.Mid, encoding.Rid)] = (encoding.Ssrc.Value, encoding.Rtx?.Ssrc);
            foreach (var extension in parameters.HeaderExtensions)
            {
                var id = (byte)Math.Clamp(extension.Id, 0, 255);
                switch (extension.Uri)
                {
                    case RtpHeaderExtensionUris.Mid: _midId = id; break;
                    case RtpHeaderExtensionUris.RtpStreamId: _ridId = id; break;
                    case RtpHeaderExtensionUris.RepairedRtpStreamId: _repairedRidId = id; break;
                }
            }
        }
    }

    /// <summary>Forgets the stand-ins of a closed producer's encodings.</summary>
    public void Remove(uint standIn)
    {
        foreach (var entry in _byRid.Where(e => e.Value.Ssrc == standIn || e.Value.RtxSsrc == standIn).ToArray())
        {
            _byRid.Remove(entry.Key);
        }

        if (_realByStandIn.Remove(standIn, out var real))
        {
            _standInByReal.Remove(real);
        }
    }

    /// <summary>
    /// Rewrites the SSRC of <paramref name="rtp"/> (parsed once, by the transport) to its stand-in, binding it on the first packet with MID and RID.
    /// Packets of signaled SSRCs pass unchanged. Only binding allocates (the RID string), once per stream.
    /// </summary>
    public void Resolve(ref RtpPacket rtp)
    {
        if (_standInByReal.TryGetValue(rtp.Ssrc, out var standIn))
        {
            rtp.Ssrc = standIn;
            return;
        }

        if (_ridId == 0 || _realByStandIn.ContainsKey(rtp.Ssrc))
        {
            return;
        }

        var repaired = false;
        if (!rtp.TryGetExtension(_ridId, out var rid))
        {
            if (_repairedRidId == 0 || !rtp.TryGetExtension(_repairedRidId, out rid))
            {
                return;
            }

            repaired = true;
        }

        string? mid = _midId != 0 && rtp.TryGetExtension(_midId, out var midValue) ? Encoding.ASCII.GetString(midValue) : null;
        var key = Encoding.ASCII.GetString(rid);
        if (!_byRid.TryGetValue((mid, key), out var stream) && !_byRid.TryGetValue((null, key), out stream))
        {
            return;
        }

        var target = repaired ? stream.RtxSsrc : stream.Ssrc;
        if (target is not { } bound || _realByStandIn.ContainsKey(bound))
        {
            return;
        }

        _standInByReal[rtp.Ssrc] = bound;
        _realByStandIn[bound] = rtp.Ssrc;
        rtp.Ssrc = bound;
    }

    /// <summary>
    /// Rewrites the sender SSRC of each sender report in <paramref name="compound"/> (incoming RTCP) from a bound real
    /// SSRC to its stand-in, in place, so that the SR reaches its stream: its NTP/RTP pair aligns timestamps across a
    /// simulcast switch and gives our receiver reports their LSR.
    /// </summary>
    public void ResolveSenderReports(Span<byte> compound)
    {
        if (_standInByReal.Count == 0)
        {
            return;
        }

        for (var offset = 0; offset + 8 <= compound.Length;)
        {
            var packetLength = (BinaryPrimitives.ReadUInt16BigEndian(compound[(offset + 2)..]) + 1) * 4;
            if (offset + packetLength > compound.Length)
            {
                return;
            }

            if (compound[offset + 1] == 200
                && _standInByReal.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(compound[(offset + 4)..]), out var standIn))
            {
                BinaryPrimitives.WriteUInt32BigEndian(compound[(offset + 4)..], standIn);
            }

            offset += packetLength;
        }
    }

    /// <summary>
    /// Copies <paramref name="compound"/> into <paramref name="scratch"/> with stand-in SSRCs in media-source fields
    /// (feedback media SSRC, FIR entries, report blocks) turned back into the real ones; false when none occur.
    /// </summary>
    public bool TryRewriteOutgoingRtcp(ReadOnlySpan<byte> compound, Span<byte> scratch, out int length)
    {
        length = 0;
        if (_realByStandIn.Count == 0 || compound.Length > scratch.Length)
        {
            return false;
        }

        compound.CopyTo(scratch);
        var changed = false;
        for (var offset = 0; offset + 8 <= compound.Length;)
        {
            var packetLength = (BinaryPrimitives.ReadUInt16BigEndian(scratch[(offset + 2)..]) + 1) * 4;
            if (offset + packetLength > compound.Length)
            {
                break;
            }

            var packet = scratch.Slice(offset, packetLength);
            var count = packet[0] & 0x1F;
            switch (packet[1])
            {
                case 200: // SR: report blocks after the 20-byte sender info.
                    changed |= RewriteBlocks(packet, 28, count);
                    break;
                case 201: // RR
                    changed |= RewriteBlocks(packet, 8, count);
                    break;
                case 205 or 206 when packet.Length >= 12:
                    changed |= RewriteAt(packet, 8);
                    if (packet[1] == 206 && count == 4)
                    {
                        for (var entry = 12; entry + 8 <= packet.Length; entry += 8)
                        {
                            changed |= RewriteAt(packet, entry);
                        }
                    }

                    break;
            }

            offset += packetLength;
        }

        length = compound.Length;
        return changed;
    }

    private bool RewriteBlocks(Span<byte> packet, int first, int count)
    {
        var changed = false;
        for (var i = 0; i < count && first + (i * 24) + 4 <= packet.Length; i++)
        {
            changed |= RewriteAt(packet, first + (i * 24));
        }

        return changed;
    }

    private bool RewriteAt(Span<byte> packet, int offset)
    {
        if (!_realByStandIn.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(packet[offset..]), out var real))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32BigEndian(packet[offset..], real);
        return true;
    }
}
