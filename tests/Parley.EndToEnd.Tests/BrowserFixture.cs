using System.Diagnostics;
using Microsoft.Playwright;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// One headless Chromium for the whole run, and the page script: <c>page/client.js</c> bundled with the npm
/// mediasoup-client that <c>web/package.json</c> pins (running <c>npm ci</c> in <c>web/</c> first when needed).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string ClientScript { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ClientScript = await BundleClientAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--disable-background-networking",
                "--allow-loopback-in-peer-connection",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
    }

    /// <summary>A fresh page (own context) with the bundle loaded from an intercepted localhost URL, a secure context.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.RouteAsync("http://localhost/**", route => route.Request.Url.EndsWith("/client.js", StringComparison.Ordinal)
            ? route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/javascript", Body = ClientScript })
            : route.FulfillAsync(new RouteFulfillOptions
            {
                ContentType = "text/html",
                Body = "<!doctype html><meta charset=\"utf-8\"><title>parley e2e</title><script src=\"/client.js\"></script>",
            }));
        return page;
    }

    private static async Task<string> BundleClientAsync()
    {
        var web = Path.Combine(RepositoryRoot(), "web");
        var esbuild = Path.Combine(web, "node_modules", ".bin", "esbuild");
        if (!File.Exists(esbuild) || !Directory.Exists(Path.Combine(web, "node_modules", "mediasoup-client")))
            await RunAsync("npm", "ci --no-audit --no-fund", web, stdin: null);

        // The entry comes on stdin so that esbuild resolves mediasoup-client from web/node_modules.
        var entry = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "page", "client.js"));
        return await RunAsync(esbuild, "--bundle --format=iife --platform=browser --log-level=warning", web, entry);
    }

    private static async Task<string> RunAsync(string file, string arguments, string directory, string? stdin)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await error}");
        return await output;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Parley.slnx")))
                return dir.FullName;
        }

        throw new InvalidOperationException("Parley.slnx not found above the test binaries.");
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
