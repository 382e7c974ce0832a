using Microsoft.Playwright;

namespace Parley.EndToEnd.Tests;

/// <summary>One server and one headless Chromium for all browser tests; each participant gets its own context.</summary>
public sealed class MeetingFixture : IAsyncLifetime
{
    /// <summary>
    /// Fake camera and microphone (a test pattern and a beep), permission prompts accepted, and screen capture of
    /// the whole (virtual) screen without a picker.
    /// </summary>
    public static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--auto-select-desktop-capture-source=Entire screen",
        "--disable-background-networking",
        "--allow-loopback-in-peer-connection",
        "--autoplay-policy=no-user-gesture-required",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private MeetingServer? _server;
    private int _names;

    public MeetingServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _server = new MeetingServer();
        _playwright = await Playwright.CreateAsync();
        // The installed Chromium; Playwright never downloads a browser here.
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser context (its own session storage, so its own signed-in person) on the home page.</summary>
    public Task<Participant> OpenAsync(string name) => OpenAsync(name, Server.BaseAddress, Server.Log);

    /// <summary>A participant of another server (one run as a process of its own).</summary>
    public Task<Participant> OpenAsync(string name, Uri baseAddress, ServerLog log) =>
        OpenAsync(Browser, $"{name} {Interlocked.Increment(ref _names)}", baseAddress, log);

    /// <summary>A participant named exactly <paramref name="name"/> in a fresh context of <paramref name="browser"/>.</summary>
    public static async Task<Participant> OpenAsync(IBrowser browser, string name, Uri baseAddress, ServerLog log)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1024, Height = 640 },
            Permissions = ["camera", "microphone", "clipboard-read", "clipboard-write"],
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        return new Participant(context, page, name, log);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        _server?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class MeetingCollection : ICollectionFixture<MeetingFixture>
{
    public const string Name = "Meeting";
}
