using System.Buffers.Binary;
using Parley.Media.Codecs;

namespace Parley.Media.Routing;

/// <summary>
/// Keeps the VP8 picture ID and TL0PICIDX of what a simulcast consumer sends continuous across layer switches. Each
/// encoding numbers its pictures on its own, and a receiver that sees the numbers jump at a switch takes the new
/// layer's frames for ones with missing references and stalls until it asks for another keyframe. After a sync the
/// first picture continues from the newest one sent; the rest of the period keeps that offset. Worker thread only.
/// </summary>
internal sealed class Vp8PictureIdContinuity
{
    private bool _started;
    private bool _syncPending;
    private int _pictureIdOffset;
    private int _tl0Offset;
    private int _highestPictureId;
    private int _highestTl0;

    /// <summary>Makes the next packet rewritten start a new period (a switch to another encoding).</summary>
    public void RequestSync() => _syncPending = true;

    /// <summary>Rewrites the picture ID and TL0PICIDX of <paramref name="payload"/> in place (the consumer's copy).</summary>
    public void Rewrite(Span<byte> payload)
    {
        if (!Vp8PayloadDescriptor.TryGetLayout(payload, out var layout))
        {
            return;
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
                _pictureIdOffset = pictureId < 0 ? 0 : (_highestPictureId + 1 - pictureId) & pictureIdMask;
                _tl0Offset = tl0 < 0 ? 0 : (_highestTl0 + 1 - tl0) & 0xFF;
            }
        }

        if (pictureId >= 0)
        {
            var rewritten = (pictureId + _pictureIdOffset) & pictureIdMask;
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
    }

    private static bool IsNewer(int value, int than, int mask)
    {
        var distance = (value - than) & mask;
        return distance != 0 && distance <= mask / 2;
    }
}
