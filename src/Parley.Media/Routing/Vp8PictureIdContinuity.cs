using System.Buffers.Binary;
using Parley.Media.Codecs;

namespace Parley.Media.Routing;

/// <summary>
/// Keeps the VP8 picture ID and TL0PICIDX of what a simulcast consumer sends continuous across layer switches and over
/// the pictures it drops. Each encoding numbers its pictures on its own, and a receiver that sees the numbers jump at
/// a switch takes the new layer's frames for ones with missing references and stalls until it asks for another
/// keyframe; a picture left out (a temporal layer filtered) would look the same. After a sync the first picture
/// continues from the newest one sent; the picture IDs of dropped pictures are skipped (<see cref="SkippingNumberMap"/>
/// over the last 256 pictures, 64 with 7-bit IDs). TL0PICIDX needs no skipping: it changes only on base-layer
/// pictures, which are never dropped. Worker thread only.
/// </summary>
internal sealed class Vp8PictureIdContinuity : IRtpPayloadRewriter
{
    private readonly SkippingNumberMap _pictureIds = new(256);
    private bool _started;
    private bool _syncPending;
    private int _tl0Offset;
    private int _highestPictureId;
    private int _highestTl0;

    /// <summary>Makes the next packet rewritten start a new period (a switch to another encoding).</summary>
    public void RequestSync() => _syncPending = true;

    /// <summary>
    /// Rewrites the picture ID and TL0PICIDX of <paramref name="payload"/> in place (the consumer's copy); false when
    /// its picture was dropped or is too old to number, so the packet must not go out. A packet without a picture ID
    /// (or without a readable descriptor) is left as it is.
    /// </summary>
    public bool TryRewrite(Span<byte> payload)
    {
        if (!Vp8PayloadDescriptor.TryGetLayout(payload, out var layout))
        {
            return true;
        }

        var pictureIdMask = layout.LongPictureId ? 0x7FFF : 0x7F;
        var pictureId = layout.PictureIdOffset < 0 ? -1
            : layout.LongPictureId ? BinaryPrimitives.ReadUInt16BigEndian(payload[layout.PictureIdOffset..]) & 0x7FFF
            : payload[layout.PictureIdOffset] & 0x7F;
        var tl0 = layout.Tl0PicIdxOffset < 0 ? -1 : payload[layout.Tl0PicIdxOffset];
        if (_syncPending)
        {
            _syncPending = false;
            if (_started)
            {
                if (pictureId >= 0)
                {
                    _pictureIds.Reset(pictureId, (_highestPictureId + 1) & pictureIdMask, pictureIdMask);
                }

                _tl0Offset = tl0 < 0 ? 0 : (_highestTl0 + 1 - tl0) & 0xFF;
            }
        }

        if (pictureId >= 0)
        {
            if (!_pictureIds.IsStarted || _pictureIds.Mask != pictureIdMask)
            {
                _pictureIds.Reset(pictureId, _started ? (_highestPictureId + 1) & pictureIdMask : pictureId, pictureIdMask);
            }

            if (!_pictureIds.TryForward(pictureId, out var rewritten))
            {
                return false;
            }

            if (layout.LongPictureId)
            {
                BinaryPrimitives.WriteUInt16BigEndian(payload[layout.PictureIdOffset..], (ushort)(0x8000 | rewritten));
            }
            else
            {
                payload[layout.PictureIdOffset] = (byte)rewritten;
            }

            if (!_started || IsNewer(rewritten, _highestPictureId, pictureIdMask))
            {
                _highestPictureId = rewritten;
            }
        }

        if (tl0 >= 0)
        {
            var rewritten = (tl0 + _tl0Offset) & 0xFF;
            payload[layout.Tl0PicIdxOffset] = (byte)rewritten;
            if (!_started || IsNewer(rewritten, _highestTl0, 0xFF))
            {
                _highestTl0 = rewritten;
            }
        }

        _started = true;
        return true;
    }

    /// <summary>
    /// Leaves the picture of <paramref name="payload"/> out: when it is the newest picture, the next one sent takes its
    /// picture ID. Does nothing before the first picture sent, or during a sync (the next picture continues anyway).
    /// </summary>
    public void Skip(ReadOnlySpan<byte> payload)
    {
        if (!_syncPending && TryReadPictureId(payload, out var pictureId, out var mask) && _pictureIds.IsStarted && _pictureIds.Mask == mask)
        {
            _pictureIds.Drop(pictureId, out _);
        }
    }

    /// <summary>Whether the picture of <paramref name="payload"/> was dropped (true) or sent (false); null when not known.</summary>
    public bool? WasDropped(ReadOnlySpan<byte> payload) =>
        !_syncPending && TryReadPictureId(payload, out var pictureId, out var mask) && _pictureIds.IsStarted && _pictureIds.Mask == mask
            ? _pictureIds.WasDropped(pictureId)
            : null;

    private static bool TryReadPictureId(ReadOnlySpan<byte> payload, out int pictureId, out int mask)
    {
        pictureId = 0;
        mask = 0;
        if (!Vp8PayloadDescriptor.TryGetLayout(payload, out var layout) || layout.PictureIdOffset < 0)
        {
            return false;
        }

        mask = layout.LongPictureId ? 0x7FFF : 0x7F;
        pictureId = layout.LongPictureId
            ? BinaryPrimitives.ReadUInt16BigEndian(payload[layout.PictureIdOffset..]) & 0x7FFF
            : payload[layout.PictureIdOffset] & 0x7F;
        return true;
    }

    private static bool IsNewer(int value, int than, int mask)
    {
        var distance = (value - than) & mask;
        return distance != 0 && distance <= mask / 2;
    }
}
