using System.Diagnostics;
using Parley.Media.Rtp;
using Parley.Media.Tests.Routing;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Transports;

/// <summary>
/// The receiving side of a bottleneck in front of a <see cref="LoopbackWebRtcPeer"/>: each packet carrying a
/// transport-wide sequence number is given the arrival time a link of <see cref="CapacityBitsPerSecond"/> with a
/// drop-tail queue of <paramref name="maxQueueMicroseconds"/> would give it (or dropped when the queue is full), and
/// transport-cc feedback built by our own <see cref="TransportCcFeedbackRecorder"/> goes back every 50 ms, as a
/// browser's would.
/// </summary>
internal sealed class SimulatedDownlink : IAsyncDisposable
{
    private const int FeedbackIntervalMs = 50;

    private readonly Lock _lock = new();
    private readonly LoopbackWebRtcPeer _peer;
    private readonly long _maxQueueMicroseconds;
    private readonly TransportCcFeedbackRecorder _recorder = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _feedbackLoop;
    private long _capacity;
    private long _linkFreeAt;
    private uint _mediaSsrc;

    public SimulatedDownlink(LoopbackWebRtcPeer peer, long capacityBitsPerSecond, long maxQueueMicroseconds = 250_000)
    {
        _peer = peer;
        _capacity = capacityBitsPerSecond;
        _maxQueueMicroseconds = maxQueueMicroseconds;
        peer.MediaReceived = OnMedia;
        _feedbackLoop = Task.Run(FeedbackLoop);
    }

    public long CapacityBitsPerSecond
    {
        get { lock (_lock) return _capacity; }
        set { lock (_lock) _capacity = value; }
    }

    public long Delivered { get; private set; }

    public long Dropped { get; private set; }

    public long FeedbackSent { get; private set; }

    private static long Microseconds(long timestamp) => (long)Stopwatch.GetElapsedTime(0, timestamp).TotalMicroseconds;

    private void OnMedia(byte[] packet, long timestamp)
    {
        if (!UdpPeer.IsRtp(packet) || BandwidthScenario.TransportSequence(packet) is not { } sequence)
        {
            return;
        }

        var now = Microseconds(timestamp);
        lock (_lock)
        {
            _mediaSsrc = TestRtp.Header(packet).Ssrc;
            var start = Math.Max(now, _linkFreeAt);
            if (start - now > _maxQueueMicroseconds)
            {
                Dropped++;
                return;
            }

            // The SRTP tag (10 bytes) and UDP/IPv4 headers (28) travel too.
            _linkFreeAt = start + ((packet.Length + 38) * 8 * 1_000_000L / _capacity);
            _recorder.Record(sequence, _linkFreeAt);
            Delivered++;
        }
    }

    private async Task FeedbackLoop()
    {
        var buffer = new byte[1200];
        var packets = new List<byte[]>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FeedbackIntervalMs, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            packets.Clear();
            lock (_lock)
            {
                while (_recorder.TryWriteNext(buffer, 0x7E57, _mediaSsrc, out var written))
                {
                    packets.Add(buffer[..written]);
                }
            }

            foreach (var packet in packets)
            {
                _peer.SendProtected(packet, isRtcp: true);
                FeedbackSent++;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _peer.MediaReceived = null;
        await _stop.CancelAsync();
        await _feedbackLoop;
        _stop.Dispose();
    }
}
