// Meetings end to end, measured through real Chromium tabs against the server running as its own process:
//  1. join latency: a guest clicks Join on the pre-join screen → the first frame of the host's camera is decoded
//     (framesDecoded > 0 on the consumer's inbound-rtp), measured inside the page; p50 over --runs joins;
//  2. server CPU while --participants tabs each send camera and microphone, from /proc/PID/stat over --cpu-seconds;
//  3. with --record-seconds N (> 0): the host starts recording, and over N seconds the CPU of the track ffmpegs (the
//     server's ffmpeg children) and of the server, against step 2's server figure, per recorded track.
// Usage: dotnet run -c Release --project bench/Parley.MeetingBench -- [--runs 20] [--participants 4] [--cpu-seconds 20] [--record-seconds 0] [--warmup-seconds 20]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;

var runs = Option("--runs", 20);
var participants = Option("--participants", 4);
var cpuSeconds = Option("--cpu-seconds", 20);
var recordSeconds = Option("--record-seconds", 0);
// The first seconds of a server's life include the JIT's second tier and the browsers' bandwidth ramp-up: a CPU window
// taken then reads high (a recording window after it read lower than the window without recording).
var warmupSeconds = Option("--warmup-seconds", 20);

var root = FindRepositoryRoot();
var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name; // bin/<Configuration>/net10.0/
var serverDll = Path.Combine(root, "src", "Parley.Server", "bin", configuration, "net10.0", "Parley.Server.dll");
var data = Directory.CreateTempSubdirectory("parley-meetingbench-").FullName;
var httpPort = FreePort();
var baseUrl = $"http://127.0.0.1:{httpPort}";

var start = new ProcessStartInfo("dotnet", [serverDll, "--contentRoot", Path.Combine(root, "src", "Parley.Server")])
{
    WorkingDirectory = data,
    RedirectStandardOutput = true,
    RedirectStandardError = true,
};
start.Environment["ASPNETCORE_URLS"] = baseUrl;
start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
start.Environment["ConnectionStrings__Default"] = $"Data Source={Path.Combine(data, "parley.db")}";
start.Environment["Media__Port"] = FreePort().ToString(CultureInfo.InvariantCulture);
start.Environment["Media__AnnouncedAddress"] = "127.0.0.1";
start.Environment["RateLimits__Auth__PermitLimit"] = "100000";
start.Environment["RateLimits__JoinCode__PermitLimit"] = "100000";
start.Environment["Logging__LogLevel__Default"] = "Warning";
start.Environment["Recording__Path"] = Path.Combine(data, "recordings");
using var server = Process.Start(start)!;
server.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[server] {e.Data}"); };
server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[server] {e.Data}"); };
server.BeginOutputReadLine();
server.BeginErrorReadLine();

try
{
    await WaitForServerAsync(baseUrl);
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args =
        [
            "--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--disable-background-networking", "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
        ],
    });

    var host = await OpenAsync(browser, baseUrl);
    await host.GotoAsync("/");
    await host.GetByTestId("tab-signup").ClickAsync();
    await host.GetByTestId("signup-name").FillAsync("Host");
    await host.GetByTestId("signup-email").FillAsync($"{Guid.NewGuid():N}@example.test");
    await host.GetByTestId("signup-password").FillAsync("Bench-password-123");
    await host.GetByTestId("btn-signup").ClickAsync();
    await host.GetByTestId("room-name").FillAsync("Bench");
    await host.GetByTestId("btn-create-room").ClickAsync();
    var joinCode = (await host.GetByTestId("created-room").GetByTestId("join-code").InnerTextAsync()).Trim();
    await host.GetByTestId("created-room").GetByTestId("btn-open-room").ClickAsync();
    await ClickJoinAndWaitForFrameAsync(host, requireFrame: false);

    var latencies = new List<double>();
    for (var run = 0; run < runs; run++)
    {
        var guest = await OpenAsync(browser, baseUrl);
        await GuestToPrejoinAsync(guest, joinCode, $"Guest {run}");
        latencies.Add(await ClickJoinAndWaitForFrameAsync(guest, requireFrame: true));
        await guest.Context.CloseAsync();
    }

    latencies.Sort();
    Console.WriteLine(FormattableString.Invariant(
        $"join → first remote video frame over {runs} joins: p50 {Percentile(latencies, 50):F0} ms, p90 {Percentile(latencies, 90):F0} ms, min {latencies[0]:F0} ms, max {latencies[^1]:F0} ms"));

    var others = new List<IPage>();
    for (var i = 1; i < participants; i++)
    {
        var page = await OpenAsync(browser, baseUrl);
        await GuestToPrejoinAsync(page, joinCode, $"Participant {i}");
        await ClickJoinAndWaitForFrameAsync(page, requireFrame: true);
        others.Add(page);
    }

    await WaitForConsumersAsync(host, (participants - 1) * 2);
    await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));
    var before = CpuTicks(server.Id);
    var clock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(cpuSeconds));
    var ticks = CpuTicks(server.Id) - before;
    var seconds = clock.Elapsed.TotalSeconds;
    var serverCore = ticks / 100.0 / seconds * 100;
    Console.WriteLine(FormattableString.Invariant(
        $"server CPU with {participants} participants sending camera + microphone: {serverCore:F1}% of one core over {seconds:F0} s ({Environment.ProcessorCount} cores)"));

    if (recordSeconds > 0)
    {
        await host.GetByTestId("btn-record").ClickAsync();
        var tracks = participants * 2;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (FfmpegChildren(server.Id).Count < tracks)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{FfmpegChildren(server.Id).Count} of {tracks} track ffmpegs after 60 s of recording.");
            }

            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // past the keyframe requests of the start
        var ffmpegs = FfmpegChildren(server.Id);
        var ffmpegBefore = ffmpegs.Sum(CpuTicks);
        var serverBefore = CpuTicks(server.Id);
        clock.Restart();
        await Task.Delay(TimeSpan.FromSeconds(recordSeconds));
        var ffmpegTicks = ffmpegs.Sum(CpuTicks) - ffmpegBefore;
        var serverTicks = CpuTicks(server.Id) - serverBefore;
        seconds = clock.Elapsed.TotalSeconds;
        var ffmpegCore = ffmpegTicks / 100.0 / seconds * 100;
        var recordingServerCore = serverTicks / 100.0 / seconds * 100;
        Console.WriteLine(FormattableString.Invariant(
            $"recording {tracks} tracks ({participants} cameras, {participants} microphones) over {seconds:F0} s: ffmpeg {ffmpegCore:F1}% of one core in all, {ffmpegCore / tracks:F2}% per track; server {recordingServerCore:F1}% (vs {serverCore:F1}% without recording: {(recordingServerCore - serverCore) / tracks:F2}% per track)"));
        await host.GetByTestId("btn-record").ClickAsync();
    }
}
finally
{
    server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    Directory.Delete(data, recursive: true);
}

static async Task<IPage> OpenAsync(IBrowser browser, string baseUrl)
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseUrl,
        ViewportSize = new ViewportSize { Width = 800, Height = 500 },
        Permissions = ["camera", "microphone"],
    });
    context.SetDefaultTimeout(30_000);
    return await context.NewPageAsync();
}

static async Task GuestToPrejoinAsync(IPage page, string joinCode, string name)
{
    await page.GotoAsync($"/r/{joinCode}");
    await page.GetByTestId("guest-name").FillAsync(name);
    await page.GetByTestId("btn-guest").ClickAsync();
    await Assertions.Expect(page.GetByTestId("btn-join")).ToBeEnabledAsync(new() { Timeout = 30_000 });
}

// Clicks Join inside the page and times, on the page's clock, until a remote video consumer has decoded a frame.
static async Task<double> ClickJoinAndWaitForFrameAsync(IPage page, bool requireFrame)
{
    await Assertions.Expect(page.GetByTestId("btn-join")).ToBeEnabledAsync(new() { Timeout = 30_000 });
    var elapsed = await page.EvaluateAsync<double>("""
        async (requireFrame) => {
          const t0 = performance.now();
          document.querySelector('[data-testid=btn-join]').click();
          while (performance.now() - t0 < 30000) {
            const parley = window.parley;
            if (parley && !requireFrame && parley.sendTransport) return performance.now() - t0;
            for (const consumer of parley?.consumers.values() ?? []) {
              if (consumer.kind !== 'video') continue;
              const report = await consumer.getStats();
              let frames = 0;
              report.forEach((s) => { if (s.type === 'inbound-rtp') frames += s.framesDecoded ?? 0; });
              if (frames > 0) return performance.now() - t0;
            }
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          return -1;
        }
        """, requireFrame);
    if (elapsed < 0)
    {
        throw new TimeoutException("No remote video frame within 30 s of clicking Join.");
    }

    return elapsed;
}

static async Task WaitForConsumersAsync(IPage page, int count)
{
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
    while (await page.EvaluateAsync<int>("() => window.parley?.consumers.size ?? 0") < count)
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"The host did not get {count} consumers.");
        }

        await Task.Delay(200);
    }
}

// The ffmpeg processes the server started (the track recorders).
static List<int> FfmpegChildren(int serverPid)
{
    var found = new List<int>();
    foreach (var entry in Directory.EnumerateDirectories("/proc"))
    {
        try
        {
            if (int.TryParse(Path.GetFileName(entry), out var pid) && File.ReadAllText(Path.Combine(entry, "comm")).Trim() == "ffmpeg")
            {
                var stat = File.ReadAllText(Path.Combine(entry, "stat"));
                if (int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture) == serverPid)
                {
                    found.Add(pid);
                }
            }
        }
        catch (IOException)
        {
            // Gone meanwhile.
        }
    }

    return found;
}

// utime + stime (fields 14 and 15 of /proc/PID/stat, after the parenthesised command name), in clock ticks (100 Hz).
static long CpuTicks(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
}

static double Percentile(List<double> sorted, int percent) =>
    sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

static async Task WaitForServerAsync(string baseUrl)
{
    using var http = new HttpClient();
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
    while (true)
    {
        try
        {
            using var response = await http.GetAsync(baseUrl + "/");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }
        }
        catch (HttpRequestException) when (DateTime.UtcNow < deadline)
        {
        }

        await Task.Delay(200);
    }
}

static int FreePort()
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    return ((IPEndPoint)socket.LocalEndPoint!).Port;
}

static string FindRepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Parley.slnx")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository (Parley.slnx not found above the build output).");
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
