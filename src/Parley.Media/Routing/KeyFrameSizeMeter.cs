namespace Parley.Media.Routing;

/// <summary>
/// The size of a stream's last complete keyframe: the bytes of the packets that carry its RTP timestamp, counted from
/// the packet that starts it until a packet of a later frame arrives. A switch to a stream starts with its keyframe,
/// which is several of its delta frames in size: the allocator weighs it against the link before raising a consumer
/// to the stream (see <see cref="Allocation.LayerBitrates.GetKeyFrameBits"/>). Worker thread only; no allocation.
/// </summary>
internal sealed class KeyFrameSizeMeter
{
    private bool _collecting;
    private uint _timestamp;
    private int _bytes;

    /// <summary>The last complete keyframe's size in bytes (whole RTP packets); 0 before one completed.</summary>
    public int LastKeyFrameBytes { get; private set; }

    /// <summary>
    /// Counts a packet of the stream in arrival order. <paramref name="startsKeyFrame"/>: the payload says it begins a
    /// keyframe. A packet of the keyframe that arrives after a later frame's (reordered, repaired late) is not counted.
    /// </summary>
    public void OnPacket(bool startsKeyFrame, uint timestamp, int length)
    {
        if (_collecting && timestamp == _timestamp)
        {
            _bytes += length;
            return;
        }

        if (_collecting && (int)(timestamp - _timestamp) < 0)
        {
            // A late packet of an earlier frame: the keyframe may still have packets to come.
            return;
        }

        if (_collecting)
        {
            LastKeyFrameBytes = _bytes;
            _collecting = false;
        }

        if (startsKeyFrame)
        {
            _collecting = true;
            _timestamp = timestamp;
            _bytes = length;
        }
    }
}
