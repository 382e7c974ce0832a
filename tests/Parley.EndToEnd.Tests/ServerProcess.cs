using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// The server as an operator runs it: <c>dotnet Parley.Server.dll</c> in a process of its own (the build output
/// of src/Parley.Server, content root there so that it serves the built page), on fixed ports and a SQLite file, so
/// that it can get a real SIGTERM and be started again on the same ports and database.
/// </summary>
public sealed partial class ServerProcess(IReadOnlyDictionary<string, string>? environment = null) : IAsyncDisposable
{
    private const int Sigterm = 15;
    private const int Sigkill = 9;
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("parley-e2e-process-").FullName;
    private readonly int _httpPort = MeetingServer.FreePort();
    private readonly int _mediaPort = MeetingServer.FreePort();
    private readonly StringBuilder _output = new();
    private Process? _process;

    public Uri BaseAddress => new($"http://127.0.0.1:{_httpPort}/");

    public string DatabasePath => Path.Combine(_directory, "parley.db");

    /// <summary>Everything the process wrote so far (its log at Information).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public async Task StartAsync()
    {
        var project = Path.Combine(BrowserFixture.RepositoryRoot(), "src", "Parley.Server");
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "Parley.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["ConnectionStrings__Default"] = $"Data Source={DatabasePath}";
        start.Environment["Media__Port"] = _mediaPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Media__ListenAddress"] = "127.0.0.1";
        start.Environment["Media__AnnouncedAddress"] = "127.0.0.1";
        start.Environment["RateLimits__Auth__PermitLimit"] = "100000";
        start.Environment["RateLimits__JoinCode__PermitLimit"] = "100000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Parley"] = "Information";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartLimit;
        while (true)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The server exited ({_process.ExitCode}) while starting:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync("/");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < deadline, $"The server did not answer within {StartLimit.TotalSeconds} s:\n{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>Sends SIGTERM (what systemd or docker stop send) and waits for a clean exit.</summary>
    public async Task TerminateAsync()
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        Assert.Equal(0, Kill(process.Id, Sigterm));
        using var limit = new CancellationTokenSource(StopLimit);
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"The server exited with {process.ExitCode}:\n{Output}");
        process.Dispose();
        _process = null;
    }

    /// <summary>Kills the process with SIGKILL (a crash: nothing is cleaned up, nobody is told) and waits for it to go.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException("Not started.");
        Assert.Equal(0, Kill(process.Id, Sigkill));
        using var limit = new CancellationTokenSource(StopLimit);
        await process.WaitForExitAsync(limit.Token);
        process.Dispose();
        _process = null;
    }

    /// <summary>How many <c>room_user</c> rows the database holds (read beside the server, or while it is down).</summary>
    public async Task<long> RoomUserRowCountAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM room_user";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output) _output.AppendLine(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
