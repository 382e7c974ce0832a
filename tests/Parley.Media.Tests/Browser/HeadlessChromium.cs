using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Parley.Media.Tests.Browser;

/// <summary>
/// Runs one page in Debian's headless Chromium, served from a loopback <see cref="HttpListener"/>: the page
/// talks to the test by POSTing to paths that <c>reply</c> answers, and ends the run by POSTing its JSON result
/// to <c>/result</c>. Fake camera and microphone; loopback ICE candidates allowed.
/// </summary>
internal static class HeadlessChromium
{
    private const string ChromiumPath = "/usr/bin/chromium";

    /// <param name="page">The HTML served at <c>/</c>.</param>
    /// <param name="reply">Answers a POST to any other path from its path and body.</param>
    /// <param name="timeout">How long the page may take to post its result.</param>
    public static async Task<JsonElement> RunPageAsync(string page, Func<string, string, string> reply, TimeSpan timeout)
    {
        var port = FreeTcpPort();
        using var http = new HttpListener();
        http.Prefixes.Add($"http://127.0.0.1:{port}/");
        http.Start();
        var profile = Directory.CreateTempSubdirectory("parley-chromium-").FullName;

        var start = new ProcessStartInfo(ChromiumPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--disable-background-networking",
            "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns",
            $"--user-data-dir={profile}", $"http://127.0.0.1:{port}/",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var chromium = Process.Start(start)!;
        _ = chromium.StandardOutput.ReadToEndAsync();
        var stderr = chromium.StandardError.ReadToEndAsync();
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (true)
            {
                var context = await http.GetContextAsync().WaitAsync(deadline.Token);
                var body = await new StreamReader(context.Request.InputStream, Encoding.UTF8).ReadToEndAsync();
                var path = context.Request.Url!.AbsolutePath;
                var answer = path switch
                {
                    "/" => page,
                    "/result" => string.Empty,
                    _ => reply(path, body),
                };
                context.Response.ContentType = path == "/" ? "text/html" : "text/plain";
                var bytes = Encoding.UTF8.GetBytes(answer);
                await context.Response.OutputStream.WriteAsync(bytes, deadline.Token);
                context.Response.Close();
                if (path == "/result")
                {
                    return JsonDocument.Parse(body).RootElement.Clone();
                }
            }
        }
        catch (OperationCanceledException)
        {
            chromium.Kill(entireProcessTree: true);
            Assert.Fail($"Chromium reported nothing in time: {await stderr}");
            throw;
        }
        finally
        {
            if (!chromium.HasExited)
            {
                chromium.Kill(entireProcessTree: true);
            }

            await chromium.WaitForExitAsync();
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing as it exits; the temp folder is cleaned up by the OS.
            }
        }
    }

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
