using System.Text.Json;
using Microsoft.Playwright;

namespace Parley.EndToEnd.Tests;

/// <summary>One person in their own browser context, driving the page through its <c>data-testid</c>s.</summary>
public sealed class Participant(IBrowserContext context, IPage page, string name, ServerLog serverLog) : IAsyncDisposable
{
    private const string Password = "Test-password-123";

    /// <summary>What each consumer of the page has received, read through mediasoup-client (<c>window.parley</c>).</summary>
    private const string ReceivedScript = """
        async () => {
          const parley = window.parley;
          if (!parley) return [];
          const out = [];
          for (const consumer of parley.consumers.values()) {
            const report = await consumer.getStats();
            let framesDecoded = 0, packetsReceived = 0;
            report.forEach((s) => {
              if (s.type === 'inbound-rtp') {
                framesDecoded += s.framesDecoded ?? 0;
                packetsReceived += s.packetsReceived ?? 0;
              }
            });
            out.push({
              consumerId: consumer.id,
              producerId: consumer.producerId,
              kind: consumer.kind,
              source: String(consumer.appData.source ?? ''),
              userId: String(consumer.appData.userId ?? ''),
              closed: consumer.closed,
              framesDecoded,
              packetsReceived,
            });
          }
          return out;
        }
        """;

    private const string CameraScript = """
        async (userId) => {
          const parley = window.parley;
          if (!parley) return null;
          for (const consumer of parley.consumers.values()) {
            if (consumer.closed || consumer.kind !== 'video' || consumer.appData.source !== 'cam' || consumer.appData.userId !== userId) continue;
            const report = await consumer.getStats();
            let frameWidth = 0, framesDecoded = 0;
            report.forEach((s) => {
              if (s.type === 'inbound-rtp') {
                frameWidth = s.frameWidth ?? 0;
                framesDecoded = s.framesDecoded ?? 0;
              }
            });
            const layers = parley.consumerLayers.get(consumer.id);
            const grid = document.querySelector('[data-testid=grid]');
            return {
              consumerId: consumer.id,
              hasLayers: layers !== undefined,
              spatialLayer: layers?.spatialLayer ?? null,
              temporalLayer: layers?.temporalLayer ?? null,
              frameWidth,
              framesDecoded,
              tileWidth: grid ? parseFloat(getComputedStyle(grid).getPropertyValue('--tile-width')) || 0 : 0,
            };
          }
          return null;
        }
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _console = Subscribe(page);

    public string Name { get; } = name;

    public IPage Page { get; } = page;

    public string? UserId { get; private set; }

    public string? RoomId { get; private set; }

    /// <summary>The page's last console messages and errors, for failure messages.</summary>
    public string ConsoleTail => string.Join("\n", _console.TakeLast(30));

    /// <summary>What the page shows and what its transports say, for failure messages.</summary>
    public async Task<string> DescribeAsync()
    {
        try
        {
            return await Page.EvaluateAsync<string>("""
                () => JSON.stringify({
                  status: document.querySelector('[data-testid=room-view]')?.dataset.status ?? null,
                  message: document.querySelector('[data-testid=message-view]')?.innerText ?? null,
                  toasts: [...document.querySelectorAll('[data-testid=toast]')].map((t) => t.innerText),
                  tiles: [...document.querySelectorAll('[data-testid=tile]')].map((t) => t.dataset.userId + (t.dataset.self === 'true' ? ' (self)' : '')),
                  send: window.parley?.sendTransport?.connectionState ?? null,
                  recv: window.parley?.recvTransport?.connectionState ?? null,
                  producers: window.parley ? [...window.parley.producers.values()].map((p) => `${p.appData.source}:${p.paused ? 'paused' : 'live'}`) : null,
                  consumers: window.parley?.consumers.size ?? null,
                })
                """);
        }
        catch (Microsoft.Playwright.PlaywrightException e)
        {
            return $"(page not readable: {e.Message})";
        }
    }

    private static System.Collections.Concurrent.ConcurrentQueue<string> Subscribe(IPage page)
    {
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Console += (_, message) => log.Enqueue($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => log.Enqueue($"pageerror: {error}");
        return log;
    }

    public ILocator ByTestId(string testId) => Page.GetByTestId(testId);

    /// <summary>Whether the page wrote a console line containing <paramref name="text"/> (room notices go there as <c>[parley] …</c>).</summary>
    public bool ConsoleContains(string text) => _console.Any(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>How many console lines contain <paramref name="text"/>.</summary>
    public int CountConsole(string text) => _console.Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits for a console line containing <paramref name="text"/>; fails with the page's state and console.</summary>
    public async Task WaitForConsoleAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!ConsoleContains(text))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Name} waiting for console \"{text}\"\n{await DescribeAsync()}\n{ConsoleTail}\nserver:\n{serverLog.Tail()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The email <see cref="SignUpAsync"/> registered (null before).</summary>
    public string? Email { get; private set; }

    public async Task SignUpAsync()
    {
        Email = $"{Guid.NewGuid():N}@example.test";
        await Page.GotoAsync("/");
        await ByTestId("tab-signup").ClickAsync();
        await ByTestId("signup-name").FillAsync(Name);
        await ByTestId("signup-email").FillAsync(Email);
        await ByTestId("signup-password").FillAsync(Password);
        await ByTestId("btn-signup").ClickAsync();
        await ByTestId("home-view").WaitForAsync();
    }

    /// <summary>Signs in on the home page with an account another page signed up (<see cref="Email"/>).</summary>
    public async Task SignInAsync(string email)
    {
        await Page.GotoAsync("/");
        await ByTestId("tab-signin").ClickAsync();
        await ByTestId("signin-email").FillAsync(email);
        await ByTestId("signin-password").FillAsync(Password);
        await ByTestId("btn-signin").ClickAsync();
        await ByTestId("home-view").WaitForAsync();
    }

    /// <summary>Creates a room on the home page; returns its join code as the page shows it.</summary>
    public async Task<string> CreateRoomAsync(bool waitingRoom = false)
    {
        await ByTestId("room-name").FillAsync($"Room of {Name}");
        await ByTestId("room-waiting").SetCheckedAsync(waitingRoom);
        await ByTestId("btn-create-room").ClickAsync();
        var created = ByTestId("created-room");
        await created.WaitForAsync();
        RoomId = await created.GetAttributeAsync("data-room-id");
        var shown = (await created.GetByTestId("join-code").InnerTextAsync()).Trim();
        // Copy it the way a person would; the clipboard must hold exactly what the page shows.
        await created.GetByTestId("btn-copy-code").ClickAsync();
        var copied = await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(shown, copied);
        return copied;
    }

    /// <summary>Opens the room just created and joins it as its host.</summary>
    public async Task EnterCreatedRoomAsync()
    {
        await ByTestId("created-room").GetByTestId("btn-open-room").ClickAsync();
        await JoinFromPrejoinAsync("joined");
    }

    /// <summary>Types the code on the home page, then Join on the pre-join screen.</summary>
    public async Task JoinByCodeAsync(string joinCode, string expectedStatus = "joined")
    {
        await ByTestId("join-code-input").FillAsync(joinCode.ToLowerInvariant());
        await ByTestId("btn-join-code").ClickAsync();
        await JoinFromPrejoinAsync(expectedStatus);
    }

    /// <summary>Follows an invite link with no session: guest sign-in, then the pre-join screen.</summary>
    public async Task JoinAsGuestAsync(string joinCode, string expectedStatus = "joined")
    {
        await SignInAsGuestAtAsync(joinCode);
        await JoinFromPrejoinAsync(expectedStatus);
    }

    /// <summary>Follows an invite link as a guest and clicks Join, whatever the answer (a refusal shows a message).</summary>
    public async Task TryJoinAsGuestAsync(string joinCode)
    {
        await SignInAsGuestAtAsync(joinCode);
        await ClickJoinAsync();
    }

    /// <summary>Follows an invite link as a guest and joins with camera and microphone turned off on the pre-join screen.</summary>
    public async Task JoinAsGuestWithoutSendingAsync(string joinCode)
    {
        await SignInAsGuestAtAsync(joinCode);
        await ByTestId("prejoin-view").WaitForAsync();
        await Assertions.Expect(ByTestId("btn-join")).ToBeEnabledAsync(new() { Timeout = 20_000 });
        foreach (var button in (string[])["btn-prejoin-cam", "btn-prejoin-mic"])
        {
            await ByTestId(button).ClickAsync();
            await Assertions.Expect(ByTestId(button)).ToHaveAttributeAsync("aria-pressed", "false");
        }

        await ClickJoinAsync();
        await WaitForStatusAsync("joined");
    }

    private async Task SignInAsGuestAtAsync(string joinCode)
    {
        await Page.GotoAsync($"/r/{joinCode}");
        await ByTestId("guest-name").FillAsync(Name);
        await ByTestId("btn-guest").ClickAsync();
    }

    public async Task ClickJoinAsync()
    {
        var join = ByTestId("btn-join");
        await Assertions.Expect(join).ToBeEnabledAsync(new() { Timeout = 20_000 });
        await join.ClickAsync();
    }

    public async Task WaitForStatusAsync(string status)
    {
        var view = ByTestId("room-view");
        await Assertions.Expect(view).ToHaveAttributeAsync("data-status", status, new() { Timeout = 20_000 });
        RoomId ??= await view.GetAttributeAsync("data-room-id");
        if (status == "joined")
        {
            UserId = await Page.Locator("[data-testid=tile][data-self=true]").GetAttributeAsync("data-user-id");
        }
    }

    private async Task JoinFromPrejoinAsync(string expectedStatus)
    {
        await ByTestId("prejoin-view").WaitForAsync();
        await ClickJoinAsync();
        await WaitForStatusAsync(expectedStatus);
    }

    public ILocator TileOf(Participant other) => Page.Locator($"[data-testid=tile][data-user-id='{other.UserId}']");

    /// <summary>The ids of the producers this page sends.</summary>
    public async Task<IReadOnlyList<string>> ProducerIdsAsync() =>
        await Page.EvaluateAsync<string[]>("() => window.parley ? [...window.parley.producers.keys()].sort() : []");

    public async Task<IReadOnlyList<ReceivedTrack>> ReceivedAsync()
    {
        var json = await Page.EvaluateAsync<JsonElement>(ReceivedScript);
        return json.Deserialize<List<ReceivedTrack>>(Json) ?? [];
    }

    /// <summary>Waits until tracks from <paramref name="from"/> satisfy <paramref name="condition"/>; fails with what was received.</summary>
    public async Task<IReadOnlyList<ReceivedTrack>> WaitForReceivedAsync(
        Participant from, Func<IReadOnlyList<ReceivedTrack>, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var tracks = (await ReceivedAsync()).Where(t => t.UserId == from.UserId).ToList();
            if (condition(tracks))
            {
                return tracks;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Name} waiting for {what} from {from.Name}; has {JsonSerializer.Serialize(tracks)}\n"
                    + $"{Name}: {await DescribeAsync()}\n{ConsoleTail}\n{from.Name}: {await from.DescribeAsync()}\n{from.ConsoleTail}\n"
                    + $"server:\n{serverLog.Tail()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Camera video decoded and microphone audio received from <paramref name="from"/>.</summary>
    public Task WaitForCameraAndMicAsync(Participant from, TimeSpan? timeout = null) =>
        WaitForReceivedAsync(
            from,
            tracks => tracks.Any(t => t is { Kind: "video", Source: "cam", FramesDecoded: > 0 })
                && tracks.Any(t => t is { Kind: "audio", Source: "mic", PacketsReceived: > 0 }),
            "decoded camera frames and microphone packets",
            timeout);

    /// <summary>
    /// The camera of <paramref name="from"/> as this page receives it: the simulcast layer the server last reported
    /// (<c>consumerLayersChanged</c>, kept in <c>window.parley.consumerLayers</c>), the decoded frame width and count,
    /// and the tile width the page lays out (what its layer choice follows); null before the camera is consumed.
    /// </summary>
    public async Task<ReceivedCamera?> CameraOfAsync(Participant from)
    {
        var json = await Page.EvaluateAsync<JsonElement>(CameraScript, from.UserId);
        return json.ValueKind == JsonValueKind.Null ? null : json.Deserialize<ReceivedCamera>(Json);
    }

    /// <summary>Waits until the camera of <paramref name="from"/> satisfies <paramref name="condition"/>; fails with what was seen.</summary>
    public async Task<ReceivedCamera> WaitForCameraAsync(
        Participant from, Func<ReceivedCamera, bool> condition, string what, TimeSpan timeout, Func<Task<string>>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = new List<ReceivedCamera?>();
        while (true)
        {
            var camera = await CameraOfAsync(from);
            if (camera is not null && condition(camera))
            {
                return camera;
            }

            if (seen.Count == 0 || seen[^1] != camera)
            {
                seen.Add(camera);
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Name} waiting for {what} from {from.Name}; saw {JsonSerializer.Serialize(seen.TakeLast(20))}\n"
                    + $"{Name}: {await DescribeAsync()}\n{ConsoleTail}\n{from.Name} sends: {await from.SentCameraAsync()}\n"
                    + (diagnostics is null ? "" : $"{await diagnostics()}\n")
                    + $"server:\n{serverLog.Tail()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>What this page's camera sender reports per simulcast encoding, and its send estimate, for failure messages.</summary>
    public async Task<string> SentCameraAsync() => await Page.EvaluateAsync<string>("""
        async () => {
          const parley = window.parley;
          if (!parley) return 'no window.parley';
          const out = [];
          for (const producer of parley.producers.values()) {
            if (producer.kind !== 'video' || producer.appData.source !== 'cam') continue;
            (await producer.getStats()).forEach((s) => {
              if (s.type === 'outbound-rtp') {
                out.push({ rid: s.rid, active: s.active, frameWidth: s.frameWidth, bytesSent: s.bytesSent, targetBitrate: s.targetBitrate,
                  framesEncoded: s.framesEncoded, qualityLimitationReason: s.qualityLimitationReason, encoderImplementation: s.encoderImplementation });
              } else if (s.type === 'candidate-pair' && s.nominated) {
                out.push({ availableOutgoingBitrate: s.availableOutgoingBitrate });
              }
            });
          }
          return JSON.stringify(out);
        }
        """);

    /// <summary>A PNG of the page in <c>TestResults/screenshots/</c> under the test output directory.</summary>
    public Task ScreenshotAsync(string fileName) => Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath(fileName) });

    /// <summary>Where a screenshot of that name goes (<c>TestResults/screenshots/</c> under the test output directory).</summary>
    public static string ScreenshotPath(string fileName)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, fileName);
    }

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}

public sealed record ReceivedTrack(
    string ConsumerId, string ProducerId, string Kind, string Source, string UserId, bool Closed, long FramesDecoded, long PacketsReceived);

public sealed record ReceivedCamera(
    string ConsumerId, bool HasLayers, int? SpatialLayer, int? TemporalLayer, long FrameWidth, long FramesDecoded, double TileWidth);
