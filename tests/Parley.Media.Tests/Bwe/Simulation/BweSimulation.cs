using Parley.Media.Bwe;
using Parley.Media.Pacing;
using Parley.Media.Rtcp;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Bwe.Simulation;

/// <summary>
/// Sender → pacer → bottleneck → receiver → transport-cc feedback → estimator, in virtual time with 1 ms steps.
/// The receiver is the server's own feedback recorder, so feedback goes through the real wire format both ways.
/// The media source is pluggable: an encoder that follows the target, or simulcast layers chosen by an allocator.
/// </summary>
internal sealed class BweSimulation
{
    public const long Step = 1_000;
    private const long FeedbackInterval = 50_000;
    private const long FrameInterval = 33_333;
    private const long AudioInterval = 20_000;
    private const int AudioSize = 120;
    private const int MaxPacketSize = 1200;
    private const double PacingFactor = 2.5;
    private const long ReceiverClockOffset = 1_234_567_890;

    private readonly Queue<(long Arrival, ushort Sequence, int Size)> _inFlight = new();
    private readonly Queue<(long Stamp, ushort Sequence)> _stamped = new();
    private readonly Queue<(long Due, byte[] Packet)> _feedback = new();
    private readonly TransportCcFeedbackRecorder _receiver = new();
    private readonly byte[] _feedbackBuffer = new byte[1500];
    private readonly Func<BweSimulation, long> _mediaBitrate;
    private long _nextFrame;
    private long _nextAudio;
    private long _nextFeedback = FeedbackInterval;
    private ushort _sequence;
    private long _packetId;

    public BweSimulation(SimulatedLink link, BandwidthEstimatorOptions options, Func<BweSimulation, long> mediaBitrate)
    {
        Link = link;
        _mediaBitrate = mediaBitrate;
        Estimator = new SendSideBandwidthEstimator(options, 0);
        Estimator.OnRoundTripTime(2 * link.PropagationDelayMicroseconds);
        Pacer = new Pacer(PacerOptions.Default, (long)(options.StartBitrate * PacingFactor));
    }

    public SimulatedLink Link { get; }

    public SendSideBandwidthEstimator Estimator { get; }

    public Pacer Pacer { get; }

    public long Now { get; private set; }

    /// <summary>How the receiver stamps arrivals; null: at the moment each packet arrives.</summary>
    public StarvedReceiverClock? ReceiverClock { get; init; }

    /// <summary>What the media source would send if it could; probing aims at it.</summary>
    public long DesiredBitrate { get; set; }

    /// <summary>Bytes delivered to the receiver so far (media, padding and probes).</summary>
    public long DeliveredBytes { get; private set; }

    /// <summary>Media bytes (not padding) delivered so far.</summary>
    public long DeliveredMediaBytes { get; private set; }

    /// <summary>Runs until <paramref name="until"/>, calling <paramref name="everyStep"/> after each step.</summary>
    public void RunUntil(long until, Action<BweSimulation>? everyStep = null)
    {
        while (Now < until)
        {
            StepOnce();
            everyStep?.Invoke(this);
            Now += Step;
        }
    }

    private void StepOnce()
    {
        var now = Now;
        if (now >= _nextAudio)
        {
            Pacer.TryEnqueue(PacketPriority.Audio, _packetId++, AudioSize, now);
            _nextAudio += AudioInterval;
        }

        if (now >= _nextFrame)
        {
            var frameBytes = (int)(_mediaBitrate(this) * FrameInterval / 8_000_000);
            while (frameBytes > 0)
            {
                var size = Math.Min(frameBytes, MaxPacketSize);
                Pacer.TryEnqueue(PacketPriority.Video, _packetId++, Math.Max(size, 50), now);
                frameBytes -= size;
            }

            _nextFrame += FrameInterval;
        }

        Estimator.SetDesiredBitrate(DesiredBitrate, now);
        if (!Pacer.Probing && Estimator.TryTakeProbeCluster(out var cluster))
        {
            Pacer.StartProbe(cluster, now);
            Estimator.OnProbeClusterStarted(cluster);
        }

        while (Pacer.TryGetNext(now, out var decision))
        {
            if (decision.IsPadding)
            {
                // A padding decision is a request: the simulated sender makes padding of exactly the size asked.
                Pacer.OnPaddingSent(decision.Size);
            }

            var sequence = _sequence++;
            Estimator.OnPacketSent(sequence, now, decision.Size, decision.ProbeClusterId);
            if (Link.TrySend(now, decision.Size, out var arrival))
            {
                _inFlight.Enqueue((arrival, sequence, decision.IsPadding ? -decision.Size : decision.Size));
            }
        }

        while (_inFlight.Count > 0 && _inFlight.Peek().Arrival <= now)
        {
            var (arrival, sequence, size) = _inFlight.Dequeue();
            _stamped.Enqueue((ReceiverClock?.Stamp(arrival) ?? arrival, sequence));
            DeliveredBytes += Math.Abs(size);
            DeliveredMediaBytes += Math.Max(size, 0);
        }

        while (_stamped.Count > 0 && _stamped.Peek().Stamp <= now)
        {
            var (stamp, sequence) = _stamped.Dequeue();
            _receiver.Record(sequence, stamp + ReceiverClockOffset);
        }

        if (now >= _nextFeedback)
        {
            while (_receiver.TryWriteNext(_feedbackBuffer, 1, 2, out var written))
            {
                _feedback.Enqueue((now + Link.PropagationDelayMicroseconds, _feedbackBuffer[..written]));
            }

            _nextFeedback += FeedbackInterval;
        }

        while (_feedback.Count > 0 && _feedback.Peek().Due <= now)
        {
            var packet = _feedback.Dequeue().Packet;
            Assert.True(RtcpTransportFeedback.TryParse(packet, out var feedback));
            Estimator.OnTransportFeedback(feedback, now);
            Pacer.SetPacingBitrate((long)(Estimator.TargetBitrate * PacingFactor));
        }
    }
}
