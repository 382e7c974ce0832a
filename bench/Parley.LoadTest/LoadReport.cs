using System.Globalization;
using System.Text;

namespace Parley.LoadTest;

/// <summary>Every figure of a run, as written to <c>--json</c> and shown in the final table.</summary>
internal sealed record LoadReport
{
    public required string Server { get; init; }
    /// <summary>Nodes the participants were spread over (<c>--urls</c>); the server figures sum all of them.</summary>
    public required int Nodes { get; init; }
    public required long Redirects { get; init; }
    public required int Rooms { get; init; }
    public required int Size { get; init; }
    public required int PublishersPerRoom { get; init; }
    public required bool AudioOnly { get; init; }
    public required string Layer { get; init; }
    public required int Participants { get; init; }
    public required int ParticipantsReady { get; init; }
    public required int ParticipantsReceivingAll { get; init; }
    public required bool Complete { get; init; }
    public required double SetupSeconds { get; init; }
    public required double WindowSeconds { get; init; }
    public required int StreamsForwarded { get; init; }
    public required double JoinP50Milliseconds { get; init; }
    public required double JoinP99Milliseconds { get; init; }
    public required int JoinSamples { get; init; }
    public required double LatencyP50Milliseconds { get; init; }
    public required double LatencyP99Milliseconds { get; init; }
    public required long LatencySamples { get; init; }
    public required long PacketsExpected { get; init; }
    public required long PacketsLost { get; init; }
    public required double LossPercent { get; init; }
    public required long Freezes { get; init; }
    public required long FreezeMilliseconds { get; init; }
    /// <summary>The window's freezes one by one (<see cref="FreezeRecord"/>), first 500.</summary>
    public required FreezeRecord[] FreezeDetails { get; init; }
    /// <summary>Stalls of the generator's own process over 100 ms in the window (<see cref="Pacer"/>).</summary>
    public required GeneratorStall[] GeneratorStalls { get; init; }
    public required long PacketsSent { get; init; }
    public required long PacketsReceived { get; init; }
    public required double PacketsSentPerSecond { get; init; }
    public required double PacketsReceivedPerSecond { get; init; }
    public required long NacksSent { get; init; }
    public required long NackedPacketsSent { get; init; }
    public required long NacksReceived { get; init; }
    public required long NackedPacketsReceived { get; init; }
    public required long RetransmissionsSent { get; init; }
    public required long RetransmissionsReceived { get; init; }
    public required long PlisSent { get; init; }
    public required long PlisReceived { get; init; }
    public required long KeyFramesSent { get; init; }
    public required long DuplicatesReceived { get; init; }
    public required long SrtpFailures { get; init; }
    /// <summary><see cref="SrtpFailures"/> by kind (<c>AuthenticationFailed</c>, <c>ReplayedPacket</c>, <c>TooOldPacket</c>, ...); kinds seen only.</summary>
    public required Dictionary<string, long> SrtpFailuresByKind { get; init; }
    /// <summary>Received kbit/s per participant-stream, by the sender's encoding: low, mid, high, audio.</summary>
    public required double[] ReceivedKilobitsPerSecondByLayer { get; init; }
    /// <summary>The first node's process (every node's with <c>--urls</c>: <see cref="ServerPids"/>).</summary>
    public required int? ServerPid { get; init; }
    public required int[] ServerPids { get; init; }
    public required double? ServerCpuPercent { get; init; }
    public required double? ServerCpuPercentPerForwardedStream { get; init; }
    public required double? ServerRssMegabytesBefore { get; init; }
    public required double? ServerRssMegabytes { get; init; }
    public required double? ServerRssKilobytesPerParticipant { get; init; }
    public required double GeneratorCpuPercent { get; init; }
    public required double[] LoadAverage { get; init; }
    /// <summary>Each core's busy time over the window, every process's together (how crowded the machine was).</summary>
    public required double[] CoreBusyPercent { get; init; }
    public required int ProcessorCount { get; init; }
    public required string[] Errors { get; init; }

    public string ToTable()
    {
        var b = new StringBuilder();
        void Row(string name, string value) => b.AppendLine(CultureInfo.InvariantCulture, $"  {name,-34} {value}");
        string F(double? v, string format = "F1") => v is { } x && !double.IsNaN(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
        b.AppendLine(CultureInfo.InvariantCulture, $"Parley load test: {Rooms} rooms x {Size} ({PublishersPerRoom} publishing{(AudioOnly ? ", audio only" : "")}), layer {Layer}, {WindowSeconds:F0} s measured");
        if (Nodes > 1)
            Row("nodes, joins redirected", $"{Nodes}, {Redirects}");
        Row("participants ready / receiving all", $"{ParticipantsReady} / {ParticipantsReceivingAll} of {Participants}{(Complete ? "" : "  INCOMPLETE")}");
        Row("streams forwarded (consumers)", StreamsForwarded.ToString(CultureInfo.InvariantCulture));
        Row("join → first remote frame p50/p99", $"{F(JoinP50Milliseconds, "F0")} / {F(JoinP99Milliseconds, "F0")} ms ({JoinSamples} joins)");
        Row("media latency p50/p99", $"{F(LatencyP50Milliseconds, "F2")} / {F(LatencyP99Milliseconds, "F2")} ms ({LatencySamples} packets)");
        Row("loss after retransmission", $"{LossPercent.ToString("F3", CultureInfo.InvariantCulture)} % ({PacketsLost} of {PacketsExpected})");
        Row("freezes (> 500 ms)", $"{Freezes} ({FreezeMilliseconds} ms)");
        if (FreezeDetails.Length > 0)
            Row("  video / audio; silent (no packet)", $"{FreezeDetails.Count(f => f.IsVideo)} / {FreezeDetails.Count(f => !f.IsVideo)}; {FreezeDetails.Count(f => f.PacketsInGap == 0)}; layer switches {FreezeDetails.Count(f => f.LayerAfter >= 0 && f.LayerAfter != f.LayerBefore)}; ended by a keyframe {FreezeDetails.Count(f => f.KeyFrameAfter)}");
        Row("generator stalls > 100 ms send/recv", $"{GeneratorStalls.Count(s => s.Kind == GeneratorStallKind.Send)} / {GeneratorStalls.Count(s => s.Kind == GeneratorStallKind.Receive)}{(GeneratorStalls.Length == 0 ? "" : $", longest {GeneratorStalls.Max(s => s.Milliseconds):F0} ms")}");
        Row("freezes during a generator stall", $"{FreezeDetails.Count(f => f.DuringGeneratorStall)} of {FreezeDetails.Length}");
        Row("packets/s out / in", $"{F(PacketsSentPerSecond, "F0")} / {F(PacketsReceivedPerSecond, "F0")}");
        Row("NACKs sent / received", $"{NacksSent} ({NackedPacketsSent} pkts) / {NacksReceived} ({NackedPacketsReceived} pkts)");
        Row("retransmissions sent / received", $"{RetransmissionsSent} / {RetransmissionsReceived}");
        Row("PLIs sent / received, keyframes", $"{PlisSent} / {PlisReceived}, {KeyFramesSent}");
        Row("SRTP failures, duplicates", $"{SrtpFailures}{(SrtpFailures == 0 ? "" : $" ({string.Join(", ", SrtpFailuresByKind.Select(k => $"{k.Key} {k.Value}"))})")}, {DuplicatesReceived}");
        Row("kbit/s per stream low/mid/high/audio", string.Join(" / ", ReceivedKilobitsPerSecondByLayer.Select(v => F(v, "F0"))));
        Row("server CPU (one core = 100 %)", $"{F(ServerCpuPercent)} % (pid {(ServerPids.Length == 0 ? "-" : string.Join(" + ", ServerPids))})");
        Row("server CPU per forwarded stream", $"{F(ServerCpuPercentPerForwardedStream, "F3")} %");
        Row("server RSS before / during", $"{F(ServerRssMegabytesBefore)} / {F(ServerRssMegabytes)} MB ({F(ServerRssKilobytesPerParticipant, "F0")} kB per participant)");
        Row("generator CPU", $"{F(GeneratorCpuPercent)} %");
        Row("load average (1/5/15 min)", string.Join(" ", LoadAverage.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))));
        Row("cores busy (all processes)", string.Join(" ", CoreBusyPercent.Select(v => v.ToString("F0", CultureInfo.InvariantCulture) + " %")));
        foreach (var error in Errors.Take(10))
            b.AppendLine(CultureInfo.InvariantCulture, $"  error: {error}");
        return b.ToString();
    }
}
