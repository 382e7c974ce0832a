using Parley.Media.Codecs;

namespace Parley.Media.Routing;

/// <summary>
/// Which VP8 temporal layers a simulcast consumer forwards of the encoding it sends (mediasoup's VP8 handling of a
/// SimulcastConsumer): packets of layers above the current one are dropped. The current layer moves to the target only
/// between pictures (a picture is the packets of one RTP timestamp, so a lost first packet does not hide a boundary):
/// down at the next picture; up at a keyframe or a base-layer picture (TID 0), or, one layer at a time, at a layer
/// sync picture (Y: it references only base-layer pictures) of a layer up to the target. A whole picture shares its
/// first packet's fate. A late packet of an older picture follows what was done to that picture; one of a picture
/// never seen goes out (as in mediasoup): a newer picture has taken the picture ID after it already, so dropping it
/// would leave a hole in the picture IDs, which makes a receiver hold every later frame until a keyframe.
/// Pure logic; worker thread only.
/// </summary>
internal sealed class Vp8TemporalLayerSelector
{
    private bool _hasPicture;
    private uint _pictureTimestamp;
    private bool _pictureForwarded;

    /// <summary>The highest layer wanted (the preference capped by the encoding's top layer).</summary>
    public int Target { get; set; }

    /// <summary>The highest layer forwarded now.</summary>
    public int Current { get; private set; }

    /// <summary>A new stream (a spatial switch, a resume) starting at <paramref name="current"/>: no picture seen of it yet.</summary>
    public void Reset(int current)
    {
        Current = current;
        _hasPicture = false;
    }

    /// <summary>
    /// Whether a packet goes out. <paramref name="droppedBefore"/> tells, for a late packet of an older picture, whether
    /// that picture was dropped (null: never seen, so it goes out). No allocation.
    /// </summary>
    public bool ShouldForward(in Vp8TemporalInfo info, uint timestamp, bool isKeyFrame, bool? droppedBefore)
    {
        if (_hasPicture && timestamp == _pictureTimestamp)
        {
            return _pictureForwarded;
        }

        if (_hasPicture && (int)(timestamp - _pictureTimestamp) < 0)
        {
            return droppedBefore is not true;
        }

        // The first packet seen of a new picture: the place to change layers.
        if (isKeyFrame || (Target > Current && info.TemporalLayer == 0) || Target < Current)
        {
            Current = Target;
        }
        else if (Target > Current && info.LayerSync && info.TemporalLayer > Current && info.TemporalLayer <= Target)
        {
            Current = info.TemporalLayer;
        }

        _hasPicture = true;
        _pictureTimestamp = timestamp;
        _pictureForwarded = info.TemporalLayer <= Current;
        return _pictureForwarded;
    }
}
