// Adaptive video measured with real Chromium behind tools/Parley.NetRelay (issue 13's figures). The meeting is the
// end-to-end tests' ImpairedLinkMeeting: the real server (in process) announces the relay's port, Alice sends the web
// client's three-layer simulcast camera and microphone, Bob receives them in a 1920×1080 window through a downlink that
//   --halving-from (1.6 Mbit/s: the top layer fits; until it is decoded, then --hold-seconds) → half of it (--steady-seconds:
//   the halving forces the middle layer, then steady state) → 3 Mbit/s (until the top layer, then 10 s) → 300 kbit/s
//   (--step-seconds) → 3 Mbit/s (--recovery-seconds: the top layer is back once it is decoded from then to the end).
// Every ~200 ms: Bob's inbound-rtp (frameWidth, freezes, audio samples), the relay's counters of his receiving flow
// (bytes the server sent into it, bytes delivered) and the server's availableOutgoingBitrate for his transport; next to
// each, the transport's estimator parts and pacer (its stats' bandwidthEstimation, with its send rates) in estimatorSamples.
// Usage: bench/adaptive/run.sh [--out FILE] [--halving-from 1600000] [--steady-seconds 60] [--step-seconds 30]
//                              [--hold-seconds 15] [--recovery-seconds 30] [--camera-file FILE|builtin]
// Alice's camera is Chromium's fake device, fed from --camera-file (a Y4M file; run.sh generates one whose content fills
// the encoder's layers) or, without it or with "builtin", Chromium's own pattern.
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Parley.EndToEnd.Tests;
using Parley.Media.Rtc;

/// <summary>The bench (an explicit class: the server's own <c>Program</c> is referenced).</summary>
internal static class AdaptiveBench
{
    public static async Task<int> Main(string[] args)
    {
        var output = Option("--out", "adaptive.json");
        var steadySeconds = double.Parse(Option("--steady-seconds", "60"), CultureInfo.InvariantCulture);
        var stepSeconds = double.Parse(Option("--step-seconds", "30"), CultureInfo.InvariantCulture);
        var holdSeconds = double.Parse(Option("--hold-seconds", "15"), CultureInfo.InvariantCulture);
        var recoverySeconds = double.Parse(Option("--recovery-seconds", "30"), CultureInfo.InvariantCulture);
        var halvingFrom = long.Parse(Option("--halving-from", "1600000"), CultureInfo.InvariantCulture);
        var halved = halvingFrom / 2;
        var cameraFile = Option("--camera-file", "");
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        var started = DateTime.UtcNow;

        // The server's content root (its built page) for WebApplicationFactory, which finds it by itself only for test projects.
        var repository = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repository, "Parley.slnx")))
        {
            repository = Path.GetDirectoryName(repository.TrimEnd('/')) ?? throw new InvalidOperationException("Run from the repository's bench build.");
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_PARLEY_SERVER", Path.Combine(repository, "src", "Parley.Server"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = cameraFile is "" or "builtin"
                ? MeetingFixture.ChromiumArgs
                : [.. MeetingFixture.ChromiumArgs, $"--use-file-for-fake-video-capture={Path.GetFullPath(cameraFile)}"],
        });

        await using var meeting = await ImpairedLinkMeeting.StartAsync(browser, halvingFrom);
        var samples = new List<LinkSample>();
        var estimatorSamples = new List<EstimatorSample>();
        var steps = new List<(double At, long Rate)> { (meeting.Now, halvingFrom) };

        // 1. The top layer at the first rate, held.
        var firstTop = await UntilAsync(s => s.SpatialLayer == 2 && s.FrameWidth >= 1280, 90);
        var topWidth = samples.Count == 0 ? 0 : samples.Max(s => s.FrameWidth);
        Console.Error.WriteLine($"top layer {(firstTop is null ? "not reached" : $"at {firstTop.At:F1} s")}, widest frame {topWidth}");
        await HoldAsync(holdSeconds);

        // 2. The bottleneck halves; the rest of the phase is the steady state.
        var halving = Step(halved);
        await HoldAsync(steadySeconds);
        var halvingEnd = meeting.Now;

        // 3. Wide again until the top layer, then the step to 300 kbit/s.
        Step(3_000_000);
        await UntilAsync(s => s.FrameWidth >= topWidth, 60);
        await HoldAsync(10);
        var drop = Step(300_000);
        await HoldAsync(stepSeconds);
        var dropEnd = meeting.Now;

        // 4. Restored: how long until a frame of the top layer is decoded again (a width left over from a frozen frame
        // does not count: frames must have been decoded since the restore), and how much of the rest of the phase it holds.
        var restore = Step(3_000_000);
        var atRestore = samples[^1];
        await HoldAsync(recoverySeconds);
        var recoveryPhase = samples.Where(s => s.At > restore).ToList();
        var recovered = recoveryPhase.FirstOrDefault(s => s.FrameWidth >= topWidth && s.FramesDecoded > atRestore.FramesDecoded);
        var afterRecovery = recovered is null ? [] : recoveryPhase.Where(s => s.At >= recovered.At).ToList();
        double? topHeld = afterRecovery.Count == 0 ? null : afterRecovery.Count(s => s.FrameWidth >= topWidth) / (double)afterRecovery.Count;
        var diagnostics = await meeting.DiagnosticsAsync();

        var steadyFrom = halving + Math.Max(10, steadySeconds / 3);
        var stepSteadyFrom = drop + Math.Max(10, stepSeconds / 2);
        var figures = new Figures(
            TopWidth: topWidth,
            HalvingFitSeconds: FitSeconds(halving, halvingEnd, halved),
            StepFitSeconds: FitSeconds(drop, dropEnd, 300_000),
            StepFrozenSeconds: Delta(drop, dropEnd, s => s.TotalFreezesDuration),
            StepFreezes: (long)Delta(drop, dropEnd, s => s.FreezeCount),
            HalvingFrozenSeconds: Delta(halving, halvingEnd, s => s.TotalFreezesDuration),
            RecoverySeconds: recovered is null ? null : recovered.At - restore,
            TopLayerHeldAfterRecovery: topHeld,
            Steady: Steady(steadyFrom, halvingEnd, halved),
            StepSteady: Steady(stepSteadyFrom, dropEnd, 300_000),
            StepAudioSamplesPerSecond: Delta(drop, dropEnd, s => s.TotalSamplesReceived) / (dropEnd - drop),
            HalvingFirstFitSeconds: FirstFitSeconds(halving, halvingEnd, halved),
            StepFirstFitSeconds: FirstFitSeconds(drop, dropEnd, 300_000),
            HalvingOverLink: OverLink(halving, halvingEnd, halved),
            StepOverLink: OverLink(drop, dropEnd, 300_000));

        var goals = new Dictionary<string, bool?>
        {
            ["halvingFit < 2 s"] = figures.HalvingFitSeconds is { } h ? h < 2 : false,
            ["stepFit < 2 s"] = figures.StepFitSeconds is { } f ? f < 2 : false,
            ["stepFrozen < 0.5 s"] = figures.StepFrozenSeconds < 0.5,
            ["recovery < 10 s"] = figures.RecoverySeconds is { } r ? r < 10 : false,
            ["steady estimate 80-100 %"] = figures.Steady.EstimateUtilisation is { } u ? u is >= 0.8 and <= 1.0 : null,
            ["steady switches <= 1 /min"] = figures.Steady.SwitchesPerMinute <= 1,
        };

        var result = new
        {
            command = Environment.GetEnvironmentVariable("PARLEY_BENCH_COMMAND") ?? "dotnet Parley.AdaptiveBench.dll " + string.Join(' ', args),
            commit = Environment.GetEnvironmentVariable("PARLEY_BENCH_COMMIT"),
            camera = cameraFile is "" or "builtin" ? "builtin" : Path.GetFileName(cameraFile),
            startedUtc = started.ToString("u", CultureInfo.InvariantCulture),
            loadAverageBefore = loadBefore,
            loadAverageAfter = File.ReadAllText("/proc/loadavg").Trim(),
            steps = steps.Select(s => new { at = s.At, bitsPerSecond = s.Rate }),
            figures,
            goals,
            diagnostics,
            samples,
            estimatorSamples,
        };
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));

        Console.WriteLine($"adaptive video behind the relay ({started:u}, load {loadBefore} → {result.loadAverageAfter})");
        Console.WriteLine($"  top layer width                          {topWidth} px");
        Console.WriteLine($"  {halvingFrom / 1000} → {halved / 1000} kbit/s: sent rate fits after {Seconds(figures.HalvingFitSeconds)}   (goal < 2 s)");
        Console.WriteLine($"  3 → 0.3 Mbit/s: sent rate fits after     {Seconds(figures.StepFitSeconds)}   (goal < 2 s)");
        Console.WriteLine($"  first fit (5 s under the link): halving {Seconds(figures.HalvingFirstFitSeconds)}, step {Seconds(figures.StepFirstFitSeconds)}; "
            + $"later over the link: halving {figures.HalvingOverLink.Samples}/{figures.HalvingOverLink.Of} samples (up to {Percent(figures.HalvingOverLink.HighestRatio)}, {figures.HalvingOverLink.LinkDrops} drops), "
            + $"step {figures.StepOverLink.Samples}/{figures.StepOverLink.Of} (up to {Percent(figures.StepOverLink.HighestRatio)}, {figures.StepOverLink.LinkDrops} drops)");
        Console.WriteLine($"  frozen during the {stepSeconds:F0} s step              {figures.StepFrozenSeconds:F2} s in {figures.StepFreezes} freezes   (goal < 0.5 s)");
        Console.WriteLine($"  top layer back after restoring           {Seconds(figures.RecoverySeconds)}   (goal < 10 s), then at the top in {Percent(figures.TopLayerHeldAfterRecovery)} of the samples");
        Console.WriteLine($"  steady at {halved / 1000} kbit/s ({figures.Steady.Seconds:F0} s): estimate {Percent(figures.Steady.EstimateUtilisation)}, sent {Percent(figures.Steady.SentUtilisation)}, delivered {Percent(figures.Steady.DeliveredUtilisation)} of the link (goal 80–100 %)");
        Console.WriteLine($"     layer switches {figures.Steady.SwitchesPerMinute:F1} /min (goal ≤ 1), frozen {figures.Steady.FrozenSeconds:F2} s, layers {string.Join(",", figures.Steady.Layers)}");
        Console.WriteLine($"  steady at 300 kbit/s ({figures.StepSteady.Seconds:F0} s): estimate {Percent(figures.StepSteady.EstimateUtilisation)}, sent {Percent(figures.StepSteady.SentUtilisation)}, delivered {Percent(figures.StepSteady.DeliveredUtilisation)}, switches {figures.StepSteady.SwitchesPerMinute:F1} /min, layers {string.Join(",", figures.StepSteady.Layers)}");
        Console.WriteLine($"  audio during the step                    {figures.StepAudioSamplesPerSecond:F0} samples/s");
        Console.WriteLine($"  goals met: {string.Join(", ", goals.Select(g => $"{g.Key}: {(g.Value is null ? "n/a" : g.Value.Value ? "yes" : "NO")}"))}");
        Console.WriteLine($"  JSON: {Path.GetFullPath(output)}");
        return 0;

        double Step(long bitsPerSecond)
        {
            meeting.SetDownlink(bitsPerSecond);
            var at = meeting.Now;
            steps.Add((at, bitsPerSecond));
            Console.Error.WriteLine($"{at,7:F1} s  downlink {bitsPerSecond / 1000} kbit/s");
            return at;
        }

        async Task HoldAsync(double seconds)
        {
            var until = meeting.Now + seconds;
            await UntilAsync(s => s.At >= until, seconds + 30);
        }

        // Samples every 200 ms until a sample satisfies the condition (returned) or the time is up (null).
        async Task<LinkSample?> UntilAsync(Func<LinkSample, bool> condition, double timeoutSeconds)
        {
            var deadline = meeting.Now + timeoutSeconds;
            while (meeting.Now < deadline)
            {
                var next = meeting.Now + 0.2;
                if (await meeting.SampleAsync() is { } sample)
                {
                    samples.Add(sample);
                    if (await meeting.ReceivingTransportStatsAsync() is { } stats)
                    {
                        estimatorSamples.Add(new EstimatorSample(
                            meeting.Now, sample.Downlink, stats.SendBitrate, stats.RtpSendBitrate, stats.RtxSendBitrate, stats.ProbationSendBitrate, stats.BandwidthEstimation,
                            await meeting.ForwardingCountsAsync()));
                    }

                    if (condition(sample))
                    {
                        return sample;
                    }
                }

                var wait = next - meeting.Now;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait));
                }
            }

            return null;
        }

        // The last sample at or before a time.
        LinkSample? At(double time) => samples.LastOrDefault(s => s.At <= time);

        double Delta(double from, double to, Func<LinkSample, double> value) =>
            At(to) is { } end && At(from) is { } start ? value(end) - value(start) : double.NaN;

        // What the server sent into Bob's flow over the second before a sample.
        double? SentRate(LinkSample sample) =>
            samples.LastOrDefault(s => s.At <= sample.At - 1) is { } earlier && sample.At > earlier.At
                ? (sample.ServerSentBytes - earlier.ServerSentBytes) * 8 / (sample.At - earlier.At)
                : null;

        // Seconds from the step until the server's send rate (1 s windows) stays under the bottleneck to the phase's end.
        double? FitSeconds(double step, double end, long bottleneck)
        {
            var phase = samples.Where(s => s.At > step && s.At <= end).ToList();
            double? fit = null;
            foreach (var sample in phase)
            {
                if (SentRate(sample) is not { } rate || rate > bottleneck)
                {
                    fit = null;
                }
                else
                {
                    fit ??= sample.At - step;
                }
            }

            return fit;
        }

        // Seconds from the step until the send rate (1 s windows) first stays under the bottleneck for 5 s: the reaction to
        // the step, apart from later excursions (a producer's encoder ramping its layer up), which OverLink counts.
        double? FirstFitSeconds(double step, double end, long bottleneck)
        {
            double? since = null;
            foreach (var sample in samples.Where(s => s.At > step && s.At <= end))
            {
                if (SentRate(sample) is not { } rate || rate > bottleneck)
                {
                    since = null;
                    continue;
                }

                since ??= sample.At;
                if (sample.At - since >= 5)
                {
                    return since - step;
                }
            }

            return null;
        }

        // After the first fit: the samples whose 1 s send rate was over the bottleneck, the highest such rate against it,
        // and the packets the link dropped (an excursion the link's queue absorbed drops nothing).
        OverLinkWindows OverLink(double step, double end, long bottleneck)
        {
            var from = step + (FirstFitSeconds(step, end, bottleneck) ?? end - step);
            var phase = samples.Where(s => s.At > from && s.At <= end).ToList();
            var rates = phase.Select(s => SentRate(s) ?? 0).ToList();
            var over = rates.Where(r => r > bottleneck).ToList();
            return new OverLinkWindows(
                over.Count,
                phase.Count,
                over.Count == 0 ? null : over.Max() / bottleneck,
                phase.Count == 0 ? 0 : phase[^1].LinkDrops - phase[0].LinkDrops);
        }

        SteadyState Steady(double from, double to, long bottleneck)
        {
            var window = samples.Where(s => s.At >= from && s.At <= to).ToList();
            if (window.Count < 2)
            {
                return new SteadyState(0, null, 0, 0, 0, 0, []);
            }

            var (first, last) = (window[0], window[^1]);
            var seconds = last.At - first.At;
            var estimates = window.Where(s => s.Estimate is not null).Select(s => (double)s.Estimate!.Value).ToList();
            var switches = window.Zip(window.Skip(1)).Count(p => p.First.FrameWidth != p.Second.FrameWidth && p.First.FrameWidth > 0 && p.Second.FrameWidth > 0);
            return new SteadyState(
                seconds,
                estimates.Count == 0 ? null : estimates.Average() / bottleneck,
                (last.ServerSentBytes - first.ServerSentBytes) * 8 / seconds / bottleneck,
                (last.DeliveredBytes - first.DeliveredBytes) * 8 / seconds / bottleneck,
                switches * 60 / seconds,
                last.TotalFreezesDuration - first.TotalFreezesDuration,
                [.. window.Select(s => s.FrameWidth).Distinct()]);
        }

        static string Seconds(double? value) => value is { } v ? $"{v:F1} s" : "never";

        static string Percent(double? value) => value is { } v ? $"{v * 100:F0} %" : "n/a";

        string Option(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }
    }
}

/// <summary>A steady-state window: the server's estimate, sent and delivered rates against the bottleneck, and layer switches.</summary>
internal sealed record SteadyState(
    double Seconds, double? EstimateUtilisation, double SentUtilisation, double DeliveredUtilisation, double SwitchesPerMinute, double FrozenSeconds, long[] Layers);

/// <summary>
/// The server's view of Bob's receiving transport at a sample: its send rates over the last second (all, media, resends,
/// probes) and the estimator's parts and pacer (<see cref="BandwidthEstimationStats"/>; null while no transport-cc runs);
/// and the packets of Alice's camera received per encoding and of Bob's camera consumer sent, so far.
/// </summary>
internal sealed record EstimatorSample(
    double At, long Downlink, long SendBitrate, long RtpSendBitrate, long RtxSendBitrate, long ProbationSendBitrate, BandwidthEstimationStats? Estimator,
    ForwardingCounts? Forwarding);

/// <summary>The issue's figures from one run.</summary>
internal sealed record Figures(
    long TopWidth,
    double? HalvingFitSeconds,
    double? StepFitSeconds,
    double StepFrozenSeconds,
    long StepFreezes,
    double HalvingFrozenSeconds,
    double? RecoverySeconds,
    double? TopLayerHeldAfterRecovery,
    SteadyState Steady,
    SteadyState StepSteady,
    double StepAudioSamplesPerSecond,
    double? HalvingFirstFitSeconds,
    double? StepFirstFitSeconds,
    OverLinkWindows HalvingOverLink,
    OverLinkWindows StepOverLink);

/// <summary>After a step's first fit: samples whose 1 s send rate exceeded the link (of all), the highest such rate against it, link drops.</summary>
internal sealed record OverLinkWindows(int Samples, int Of, double? HighestRatio, long LinkDrops);
