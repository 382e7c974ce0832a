using System.Collections.Concurrent;
using System.Diagnostics;

namespace Parley.LoadTest;

/// <summary>Run-wide packet counters, bumped from every sender and receiver without locks.</summary>
internal sealed class LoadCounters
{
    public long RtpSent;
    public long RtpReceived;
    public long NacksReceived;
    public long NackedPacketsReceived;
    public long NacksSent;
    public long NackedPacketsSent;
    public long PlisReceived;
    public long PlisSent;
    public long KeyFramesSent;
    public long RetransmissionsSent;
    public long RetransmissionsReceived;
    public long DuplicatesReceived;
    public long UnknownSsrcReceived;

    /// <summary>joinRoom answers that sent a participant to another node (<c>--urls</c>).</summary>
    public long Redirects;

    /// <summary>One-way media latency of first arrivals (retransmissions excluded), for the measured window.</summary>
    public LatencyHistogram Latency { get; private set; } = new();

    /// <summary>True from the start of the measured window: freezes count from then on.</summary>
    public volatile bool Measuring;

    public long Freezes;
    public long FreezeMilliseconds;

    /// <summary>Stopwatch time the measured window began (0 before).</summary>
    public long WindowStart;

    /// <summary>The window's freezes one by one (the first <see cref="MaxFreezeRecords"/>).</summary>
    public ConcurrentQueue<FreezeRecord> FreezeRecords { get; } = new();

    private const int MaxFreezeRecords = 500;

    public void RecordFreeze(FreezeRecord freeze)
    {
        Interlocked.Increment(ref Freezes);
        Interlocked.Add(ref FreezeMilliseconds, (long)freeze.GapMilliseconds);
        if (FreezeRecords.Count < MaxFreezeRecords)
            FreezeRecords.Enqueue(freeze);
    }

    /// <summary>The generator's own stalls over 100 ms in the window (<see cref="Pacer"/>).</summary>
    public ConcurrentQueue<GeneratorStall> GeneratorStalls { get; } = new();

    public void RecordGeneratorStall(GeneratorStallKind kind, long from, long to) =>
        GeneratorStalls.Enqueue(new GeneratorStall(kind, Stopwatch.GetElapsedTime(WindowStart, from).TotalSeconds, Stopwatch.GetElapsedTime(from, to).TotalMilliseconds));

    public void BeginWindow()
    {
        WindowStart = Stopwatch.GetTimestamp();
        FreezeRecords.Clear();
        GeneratorStalls.Clear();
        Latency = new LatencyHistogram();
        Interlocked.Exchange(ref Freezes, 0);
        Interlocked.Exchange(ref FreezeMilliseconds, 0);
        Measuring = true;
    }

    public Snapshot Take() => new(
        Interlocked.Read(ref RtpSent), Interlocked.Read(ref RtpReceived), Interlocked.Read(ref NacksReceived),
        Interlocked.Read(ref NackedPacketsReceived), Interlocked.Read(ref NacksSent), Interlocked.Read(ref NackedPacketsSent),
        Interlocked.Read(ref PlisReceived), Interlocked.Read(ref PlisSent), Interlocked.Read(ref KeyFramesSent),
        Interlocked.Read(ref RetransmissionsSent), Interlocked.Read(ref RetransmissionsReceived), Interlocked.Read(ref DuplicatesReceived));

    internal readonly record struct Snapshot(
        long RtpSent, long RtpReceived, long NacksReceived, long NackedPacketsReceived, long NacksSent, long NackedPacketsSent,
        long PlisReceived, long PlisSent, long KeyFramesSent, long RetransmissionsSent, long RetransmissionsReceived,
        long DuplicatesReceived)
    {
        public static Snapshot operator -(Snapshot a, Snapshot b) => new(
            a.RtpSent - b.RtpSent, a.RtpReceived - b.RtpReceived, a.NacksReceived - b.NacksReceived,
            a.NackedPacketsReceived - b.NackedPacketsReceived, a.NacksSent - b.NacksSent, a.NackedPacketsSent - b.NackedPacketsSent,
            a.PlisReceived - b.PlisReceived, a.PlisSent - b.PlisSent, a.KeyFramesSent - b.KeyFramesSent,
            a.RetransmissionsSent - b.RetransmissionsSent, a.RetransmissionsReceived - b.RetransmissionsReceived,
            a.DuplicatesReceived - b.DuplicatesReceived);
    }
}
