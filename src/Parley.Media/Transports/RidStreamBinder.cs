using System.Text;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Rtp;

namespace Parley.Media.Transports;

/// <summary>
/// RID-only simulcast (what Chromium's mediasoup-client produces): encodings are signaled by <c>rid</c> without an
/// SSRC. As mediasoup's <c>RtpListener</c> does, the first packet of an unknown SSRC that carries a producer's MID and
/// one of its RIDs (or repaired RIDs, for RTX) binds that SSRC to the encoding's stream, which is known by its wire
/// SSRC from then on: no stand-ins, nothing rewritten in either direction, and stats report what is on the wire.
/// Worker thread only; looking up an unknown SSRC allocates nothing (RIDs are compared as bytes).
/// </summary>
internal sealed class RidStreamBinder
{
    private readonly List<Entry> _entries = [];
    private byte _midId;
    private byte _ridId;
    private byte _repairedRidId;

    /// <summary>True while some stream waits for its SSRC (media or RTX).</summary>
    public bool IsActive => _entries.Count > 0;

    /// <summary>Registers the RID-only encodings of a new producer.</summary>
    public void Add(Producer producer)
    {
        var parameters = producer.RtpParameters;
        var hasRtx = parameters.Codecs.Any(c => c.MimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase));
        var mid = parameters.Mid is null ? null : Encoding.ASCII.GetBytes(parameters.Mid);
        foreach (var stream in producer.Streams)
        {
            if (stream.IsBound || string.IsNullOrEmpty(stream.Rid))
            {
                continue;
            }

            _entries.Add(new Entry(mid, Encoding.ASCII.GetBytes(stream.Rid), stream, hasRtx));
        }

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

    /// <summary>Forgets a closed producer's streams.</summary>
    public void Remove(Producer producer) => _entries.RemoveAll(e => e.Stream.Producer == producer);

    /// <summary>
    /// Binds the SSRC of <paramref name="packet"/> (parsed once, by the transport) to the stream its MID and RID name,
    /// or its RTX SSRC by the repaired RID; returns that stream, or null when the packet names none still unbound.
    /// </summary>
    public ProducerStream? TryBind(ref RtpPacket packet)
    {
        if (_ridId == 0 && _repairedRidId == 0)
        {
            return null;
        }

        var repaired = false;
        if (_ridId == 0 || !packet.TryGetExtension(_ridId, out var rid))
        {
            if (_repairedRidId == 0 || !packet.TryGetExtension(_repairedRidId, out rid))
            {
                return null;
            }

            repaired = true;
        }

        Span<byte> mid = default;
        var hasMid = _midId != 0 && packet.TryGetExtension(_midId, out mid);
        for (var i = 0; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            if (!rid.SequenceEqual(entry.Rid) || (hasMid && entry.Mid is not null && !mid.SequenceEqual(entry.Mid)))
            {
                continue;
            }

            var stream = entry.Stream;
            if (repaired)
            {
                if (!entry.HasRtx || stream.RtxSsrc is not null)
                {
                    return null;
                }

                stream.BindRtxSsrc(packet.Ssrc);
            }
            else
            {
                if (stream.IsBound)
                {
                    return null;
                }

                stream.BindSsrc(packet.Ssrc);
            }

            if (stream.IsBound && (!entry.HasRtx || stream.RtxSsrc is not null))
            {
                _entries.RemoveAt(i);
            }

            return stream;
        }

        return null;
    }

    private sealed record Entry(byte[]? Mid, byte[] Rid, ProducerStream Stream, bool HasRtx);
}
