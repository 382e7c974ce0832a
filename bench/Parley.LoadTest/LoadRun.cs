using System.Diagnostics;
using System.Globalization;
using Parley.Media.Dtls;
using Parley.Media.Srtp;

namespace Parley.LoadTest;

/// <summary>
/// One run: rooms made by an owner account, participants started at the ramp rate, a wait (bounded) until everyone
/// receives everyone, the measured window, a drain for late retransmissions, the report.
/// </summary>
internal sealed class LoadRun(LoadOptions options, TextWriter progress)
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(1);
    private readonly LoadCounters _counters = new();
    private readonly List<Participant> _participants = [];
    private readonly List<string> _errors = [];

    public async Task<LoadReport> RunAsync(CancellationToken cancel)
    {
        var setupClock = Stopwatch.StartNew();
        // Joining may wait out the server's sign-in rate limit (one window, 60 s by default) on top of its own time.
        var rateLimitPatience = TimeSpan.FromSeconds(70);
        var setupBudget = rateLimitPatience + TimeSpan.FromSeconds(60 + (options.Participants / options.Ramp * 2));
        using var setupCancel = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var http = new HttpClient { BaseAddress = options.Server, Timeout = TimeSpan.FromSeconds(30) };
        var api = new ParleyApi(http, rateLimitPatience);
        List<int?> found = options.ServerPid is { } given ? [given] : [.. options.Nodes.Select(n => ProcessSampler.FindListener(n.Port))];
        var server = found.All(p => p is not null) ? new ProcessSampler([.. found.Select(p => p!.Value)]) : null;
        var serverPid = server?.Pids[0];
        var rssBefore = server?.ResidentBytes();

        var ownerToken = await api.RegisterOwnerAsync();
        var joinCodes = new List<string>();
        for (var r = 0; r < options.Rooms; r++)
            joinCodes.Add((await api.CreateRoomAsync(ownerToken, $"Load room {r}")).JoinCode);

        var certificate = DtlsCertificate.Generate("Parley load test");
        using var pacer = new Pacer(_counters);
        var starts = new List<Task>();
        var rampStart = Stopwatch.GetTimestamp();
        var lastTick = (Stopwatch.GetTimestamp(), _counters.Take(), GeneratorCpu(), server?.CpuSeconds());

        // Seat by seat across the rooms, so that in a webinar the publishers of every room are in before the viewers.
        // Everyone after the first seat waits until the first seat publishes: then each later join finds a camera
        // there, and its join time (code lookup → first remote frame) measures joining, not waiting for a publisher.
        var index = 0;
        for (var seat = 0; seat < options.Size; seat++)
        {
            if (seat == 1)
            {
                var waited = Stopwatch.StartNew();
                while (!_participants.All(p => p.Ready || p.Error is not null) && setupClock.Elapsed < setupBudget)
                {
                    await Task.Delay(50, cancel);
                    if (waited.Elapsed >= TimeSpan.FromSeconds(1))
                    {
                        lastTick = Progress("joining", lastTick, server);
                        waited.Restart();
                    }
                }

                rampStart = Stopwatch.GetTimestamp() - (long)(index / options.Ramp * Stopwatch.Frequency);
            }

            for (var room = 0; room < options.Rooms; room++)
            {
                var due = TimeSpan.FromSeconds(index / options.Ramp) - Stopwatch.GetElapsedTime(rampStart);
                if (due > TimeSpan.Zero)
                    await Task.Delay(due, cancel);
                var participant = new Participant(index++, room, seat < options.Publishers, options, _counters, certificate);
                _participants.Add(participant);
                pacer.Add(participant);
                starts.Add(participant.StartAsync(api, joinCodes[room], setupCancel.Token));
            }
        }

        while (!EveryoneReceivesEveryone() && setupClock.Elapsed < setupBudget && !_participants.Any(p => p.Error is not null))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancel);
            lastTick = Progress("joining", lastTick, server);
        }

        var setupSeconds = setupClock.Elapsed.TotalSeconds;
        for (var warm = Stopwatch.StartNew(); warm.Elapsed < options.Warmup;)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancel);
            lastTick = Progress("warmup", lastTick, server);
        }

        _counters.BeginWindow();
        var streamsAtStart = AllStreams().ToDictionary(s => s, s => s.Snapshot());
        var countersAtStart = _counters.Take();
        var serverCpuAtStart = server?.CpuSeconds();
        var generatorCpuAtStart = GeneratorCpu();
        var coresAtStart = CoreSampler.Read();
        var windowClock = Stopwatch.StartNew();
        for (var left = options.Duration; left > TimeSpan.FromMilliseconds(1); left = options.Duration - windowClock.Elapsed)
        {
            await Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancel);
            if (left >= TimeSpan.FromSeconds(1))
                lastTick = Progress("measuring", lastTick, server);
        }

        var windowSeconds = windowClock.Elapsed.TotalSeconds;
        var serverCpuAtEnd = server?.CpuSeconds();
        var generatorCpuAtEnd = GeneratorCpu();
        var coreBusy = CoreSampler.BusyPercent(coresAtStart, CoreSampler.Read());
        var rssDuring = server?.ResidentBytes();
        var endTime = Stopwatch.GetTimestamp();
        foreach (var stream in AllStreams())
            stream.CountOngoingFreeze(endTime, _counters);
        var complete = EveryoneReceivesEveryone();
        var receivingAll = _participants.Count(p => p.Ready && p.HasReceivedAll(PublishersSeenBy(p)));
        var window = _counters.Take() - countersAtStart;
        var freezes = Interlocked.Read(ref _counters.Freezes);
        var freezeMilliseconds = Interlocked.Read(ref _counters.FreezeMilliseconds);
        var latency = _counters.Latency;

        pacer.StopSending();
        await Task.Delay(Drain, CancellationToken.None);
        var streams = AllStreams().ToList();
        long expected = 0, lost = 0;
        var layerBytes = new long[4];
        var layerStreams = new int[4];
        foreach (var stream in streams)
        {
            var end = stream.Snapshot();
            var start = streamsAtStart.TryGetValue(stream, out var s) ? s : new Reception(0, 0, 0, new long[4]);
            var streamExpected = end.Expected - start.Expected;
            expected += streamExpected;
            lost += Math.Max(0, streamExpected - (end.Unique - start.Unique));
            for (var l = 0; l < 4; l++)
            {
                var bytes = end.BytesByLayer[l] - start.BytesByLayer[l];
                layerBytes[l] += bytes;
                layerStreams[l] += bytes > 0 ? 1 : 0;
            }
        }

        foreach (var participant in _participants)
        {
            if (participant.Error is { } error)
                _errors.Add(error);
        }

        GeneratorStall[] stalls = [.. _counters.GeneratorStalls.OrderBy(s => s.AtSeconds)];
        var joins = _participants.Where(p => p.JoinMilliseconds is not null).Select(p => p.JoinMilliseconds!.Value).Order().ToList();
        var serverCpu = serverCpuAtEnd - serverCpuAtStart is { } serverSeconds ? serverSeconds / windowSeconds * 100 : (double?)null;
        var srtpFailures = Enum.GetValues<SrtpResult>().Where(r => r != SrtpResult.Ok)
            .Select(r => (Kind: r.ToString(), Count: _participants.Sum(p => p.SrtpFailures(r))))
            .Where(k => k.Count > 0).ToDictionary(k => k.Kind, k => k.Count);
        var report = new LoadReport
        {
            Server = options.Server.ToString(),
            Nodes = options.Nodes.Count,
            Redirects = Interlocked.Read(ref _counters.Redirects),
            Rooms = options.Rooms,
            Size = options.Size,
            PublishersPerRoom = options.Publishers,
            AudioOnly = options.AudioOnly,
            Layer = options.Layer.ToString().ToLowerInvariant(),
            Participants = _participants.Count,
            ParticipantsReady = _participants.Count(p => p.Ready),
            ParticipantsReceivingAll = receivingAll,
            Complete = complete && _errors.Count == 0,
            SetupSeconds = setupSeconds,
            WindowSeconds = windowSeconds,
            StreamsForwarded = streams.Count,
            JoinP50Milliseconds = Percentile(joins, 50),
            JoinP99Milliseconds = Percentile(joins, 99),
            JoinSamples = joins.Count,
            LatencyP50Milliseconds = latency.Percentile(50),
            LatencyP99Milliseconds = latency.Percentile(99),
            LatencySamples = latency.Count,
            PacketsExpected = expected,
            PacketsLost = lost,
            LossPercent = expected == 0 ? 0 : lost * 100.0 / expected,
            Freezes = freezes,
            FreezeMilliseconds = freezeMilliseconds,
            FreezeDetails = [.. _counters.FreezeRecords.OrderBy(f => f.AtSeconds).Select(f => f with { DuringGeneratorStall = stalls.Any(f.Overlaps) })],
            GeneratorStalls = stalls,
            PacketsSent = window.RtpSent,
            PacketsReceived = window.RtpReceived,
            PacketsSentPerSecond = window.RtpSent / windowSeconds,
            PacketsReceivedPerSecond = window.RtpReceived / windowSeconds,
            NacksSent = window.NacksSent,
            NackedPacketsSent = window.NackedPacketsSent,
            NacksReceived = window.NacksReceived,
            NackedPacketsReceived = window.NackedPacketsReceived,
            RetransmissionsSent = window.RetransmissionsSent,
            RetransmissionsReceived = window.RetransmissionsReceived,
            PlisSent = window.PlisSent,
            PlisReceived = window.PlisReceived,
            KeyFramesSent = window.KeyFramesSent,
            DuplicatesReceived = window.DuplicatesReceived,
            SrtpFailures = srtpFailures.Values.Sum(),
            SrtpFailuresByKind = srtpFailures,
            ReceivedKilobitsPerSecondByLayer = [.. Enumerable.Range(0, 4).Select(l => layerStreams[l] == 0 ? 0 : layerBytes[l] * 8 / windowSeconds / 1000 / layerStreams[l])],
            ServerPid = serverPid,
            ServerPids = [.. server?.Pids ?? []],
            ServerCpuPercent = serverCpu,
            ServerCpuPercentPerForwardedStream = serverCpu / Math.Max(streams.Count, 1),
            ServerRssMegabytesBefore = rssBefore / 1048576.0,
            ServerRssMegabytes = rssDuring / 1048576.0,
            ServerRssKilobytesPerParticipant = (rssDuring - rssBefore) / 1024.0 / _participants.Count,
            GeneratorCpuPercent = (generatorCpuAtEnd - generatorCpuAtStart) / windowSeconds * 100,
            LoadAverage = LoadAverage(),
            CoreBusyPercent = coreBusy,
            ProcessorCount = Environment.ProcessorCount,
            Errors = [.. _errors],
        };

        await Task.WhenAll(_participants.Select(p => p.DisposeAsync().AsTask()));
        await Task.WhenAny(Task.WhenAll(starts), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        return report;
    }

    private IEnumerable<InboundStream> AllStreams() => _participants.SelectMany(p => p.Receiver?.Streams ?? []);

    private IEnumerable<string> PublishersSeenBy(Participant participant) =>
        _participants.Where(o => o.Room == participant.Room && o.IsPublisher && o != participant).Select(o => o.UserId ?? "?");

    private bool EveryoneReceivesEveryone() =>
        _participants.Count == options.Participants && _participants.All(p => p.Ready && p.HasReceivedAll(PublishersSeenBy(p)));

    private (long At, LoadCounters.Snapshot Counters, double GeneratorCpu, double? ServerCpu) Progress(
        string phase, (long At, LoadCounters.Snapshot Counters, double GeneratorCpu, double? ServerCpu) last, ProcessSampler? server)
    {
        var now = (Stopwatch.GetTimestamp(), _counters.Take(), GeneratorCpu(), server?.CpuSeconds());
        if (options.Quiet)
            return now;
        var seconds = (now.Item1 - last.At) / (double)Stopwatch.Frequency;
        var delta = now.Item2 - last.Counters;
        long expected = 0, unique = 0;
        foreach (var stream in AllStreams())
        {
            var r = stream.Snapshot();
            expected += r.Expected;
            unique += r.Unique;
        }

        var serverCpu = now.Item4 - last.ServerCpu is { } s ? (s / seconds * 100).ToString("F0", CultureInfo.InvariantCulture) + "%" : "-";
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase,-9} ready {_participants.Count(p => p.Ready)}/{options.Participants}  out {delta.RtpSent / seconds:F0} pkt/s  in {delta.RtpReceived / seconds:F0} pkt/s  " +
            $"loss {(expected == 0 ? 0 : (expected - unique) * 100.0 / expected):F3}%  nack {delta.NackedPacketsSent}  server cpu {serverCpu}  " +
            $"generator cpu {(now.Item3 - last.GeneratorCpu) / seconds * 100:F0}%  load {LoadAverage()[0]:F2}"));
        return now;
    }

    private static double GeneratorCpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private static double[] LoadAverage()
    {
        try
        {
            return [.. File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return [];
        }
    }

    private static double Percentile(List<double> sorted, double percent) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(sorted.Count * percent / 100) - 1, 0, sorted.Count - 1)];
}
