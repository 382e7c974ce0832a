using System.Diagnostics;
using Parley.Media.Codecs;
using Parley.Media.Rtc;

namespace Parley.LoadTest;

/// <summary>
/// One consumer's stream as the receiving participant sees it: which packets arrived (a 4,096-packet window, so loss
/// is counted after retransmission), the NACK list, frames and freezes, latency from the trailers, bytes per layer.
/// </summary>
internal sealed class InboundStream(int participant, string consumerId, string producerUserId, bool isVideo, uint ssrc, byte payloadType, uint rtxSsrc, byte rtxPayloadType)
{
    private const int Window = 4096;
    private static readonly long FreezeGap = Stopwatch.Frequency / 2;

    private readonly ulong[] _received = new ulong[Window / 64];
    private long _baseExtended = -1;
    private long _highestExtended = -1;
    private long _unique;
    private long _lastFrameAt;
    private long _packetsAtLastFrame;
    private int _lastFrameLayer = -1;
    private bool _keyFrameInProgress;

    /// <summary>Guards the window and <see cref="Nacks"/> (the receive task writes, the pacer collects NACKs).</summary>
    public readonly Lock Gate = new();

    public string ConsumerId { get; } = consumerId;

    public string ProducerUserId { get; } = producerUserId;

    public bool IsVideo { get; } = isVideo;

    public uint Ssrc { get; } = ssrc;

    public byte PayloadType { get; } = payloadType;

    public uint RtxSsrc { get; } = rtxSsrc;

    public byte RtxPayloadType { get; } = rtxPayloadType;

    public NackGenerator Nacks { get; } = new();

    public long Packets;

    public long Frames;

    /// <summary>Payload bytes by the sender's encoding (0–2 video layers, 3 audio).</summary>
    public readonly long[] BytesByLayer = new long[4];

    /// <summary>Stopwatch time of the first complete video frame (or first audio packet); 0 before.</summary>
    public long FirstMediaAt;

    /// <summary>
    /// Takes one packet; returns true when it is the first media of this stream (for audio any packet, for video the
    /// last packet of a frame).
    /// </summary>
    public bool OnPacket(ushort sequence, bool marker, ReadOnlySpan<byte> payload, bool recovered, long now, LoadCounters counters)
    {
        var keyFrame = IsVideo && Vp8PayloadDescriptor.IsKeyFrame(payload);
        bool fresh;
        lock (Gate)
        {
            fresh = MarkReceived(sequence);
            Nacks.OnPacket(sequence, keyFrame, recovered, now * 1000 / Stopwatch.Frequency);
        }

        if (!fresh)
        {
            Interlocked.Increment(ref counters.DuplicatesReceived);
            return false;
        }

        Packets++;
        var layer = -1;
        if (MediaTrailer.TryRead(payload, out layer, out var sentAt))
        {
            BytesByLayer[layer == OutboundStream.AudioIndex ? 3 : Math.Min(layer, 2)] += payload.Length;
            if (!recovered)
                counters.Latency.Record((now - sentAt) * 1000.0 / Stopwatch.Frequency);
        }

        _keyFrameInProgress |= keyFrame; // the keyframe bit is in a frame's first packet, the marker in its last
        if (IsVideo && !marker)
            return false;
        keyFrame = _keyFrameInProgress;
        _keyFrameInProgress = false;
        Frames++;
        var previous = _lastFrameAt;
        _lastFrameAt = now;
        if (previous != 0 && now - previous > FreezeGap && counters.Measuring)
            counters.RecordFreeze(Freeze(previous, now, Packets - 1 - _packetsAtLastFrame, layer, keyFrame, counters));
        _packetsAtLastFrame = Packets;
        _lastFrameLayer = layer;

        if (FirstMediaAt != 0)
            return false;
        FirstMediaAt = now;
        return true;
    }

    /// <summary>A video that has stopped for longer than a freeze at the end of the window counts as one.</summary>
    public void CountOngoingFreeze(long now, LoadCounters counters)
    {
        if (IsVideo && _lastFrameAt != 0 && now - _lastFrameAt > FreezeGap)
            counters.RecordFreeze(Freeze(_lastFrameAt, now, Packets - _packetsAtLastFrame, -1, false, counters));
    }

    private FreezeRecord Freeze(long from, long to, long packetsInGap, int layerAfter, bool keyFrameAfter, LoadCounters counters) => new(
        Stopwatch.GetElapsedTime(counters.WindowStart, from).TotalSeconds, Stopwatch.GetElapsedTime(from, to).TotalMilliseconds,
        participant, ProducerUserId, IsVideo, packetsInGap, _lastFrameLayer, layerAfter, keyFrameAfter);

    public Reception Snapshot()
    {
        lock (Gate)
        {
            var expected = _baseExtended < 0 ? 0 : _highestExtended - _baseExtended + 1;
            return new Reception(expected, _unique, (uint)Math.Max(_highestExtended, 0), (long[])BytesByLayer.Clone());
        }
    }

    private bool MarkReceived(ushort sequence)
    {
        long extended;
        if (_highestExtended < 0)
        {
            extended = sequence + 0x10000L;
            _baseExtended = extended;
            _highestExtended = extended;
        }
        else
        {
            extended = _highestExtended + (short)(sequence - (ushort)_highestExtended);
            if (extended > _highestExtended)
            {
                for (var s = _highestExtended + 1; s <= extended && s <= _highestExtended + Window; s++)
                    Clear(s);
                _highestExtended = extended;
            }
            else if (_highestExtended - extended >= Window || extended < _baseExtended)
            {
                return false; // too late to tell: counted neither as received nor twice
            }
        }

        ref var word = ref _received[(extended % Window) >> 6];
        var bit = 1UL << (int)(extended & 63);
        if ((word & bit) != 0)
            return false;
        word |= bit;
        _unique++;
        return true;
    }

    private void Clear(long extended) => _received[(extended % Window) >> 6] &= ~(1UL << (int)(extended & 63));
}

/// <summary>What a stream had received by a moment: packets expected and received once, payload bytes per layer.</summary>
internal readonly record struct Reception(long Expected, long Unique, uint HighestExtended, long[] BytesByLayer);
