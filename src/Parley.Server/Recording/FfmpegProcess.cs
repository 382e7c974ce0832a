using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Parley.Server.Recording;

/// <summary>
/// One ffmpeg process that Parley started: its last lines of error output are kept for the log, stdout lines go to a
/// callback (the composition's <c>-progress</c>), and stopping asks nicely first ('q', then SIGINT, so that the file
/// gets its trailer) and kills when the time is up. Disposing kills it, so no ffmpeg outlives its owner.
/// </summary>
internal sealed partial class FfmpegProcess : IDisposable
{
    private const int Sigint = 2;
    private const int KeptErrorLines = 20;
    private static readonly TimeSpan QuitWait = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly Queue<string> _errors = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    private FfmpegProcess(Process process) => _process = process;

    /// <summary>Raised once when the process ends (on a pool thread), with whether it was asked to stop.</summary>
    public event Action<FfmpegProcess, bool>? Exited;

    public int Id => _process.Id;

    public Task Completion => _exited.Task;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The last lines ffmpeg wrote to stderr, for a log line or a recording's error.</summary>
    public string ErrorTail
    {
        get
        {
            lock (_errors)
            {
                return string.Join(" | ", _errors);
            }
        }
    }

    public static FfmpegProcess Start(string executable, IEnumerable<string> arguments, string workingDirectory, Action<string>? onOutputLine = null)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var ffmpeg = new FfmpegProcess(process);
        process.ErrorDataReceived += (_, e) => ffmpeg.KeepError(e.Data);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                onOutputLine?.Invoke(line);
            }
        };
        process.Exited += (_, _) => ffmpeg.OnExited();
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return ffmpeg;
    }

    /// <summary>Asks ffmpeg to finish its file ('q' on stdin, then SIGINT) and kills it if it has not ended within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopping = true;
        if (_process.HasExited)
        {
            await Completion;
            return;
        }

        try
        {
            await _process.StandardInput.WriteAsync('q');
            await _process.StandardInput.FlushAsync();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // It is ending already (its stdin is closed).
        }

        // 'q' is only read between packets; while ffmpeg still waits for its first ones, SIGINT is what ends it.
        var forQuit = TimeSpan.FromTicks(Math.Min(QuitWait.Ticks, timeout.Ticks / 3));
        if (await WaitAsync(forQuit))
        {
            return;
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Kill(_process.Id, Sigint);
        }

        if (!await WaitAsync(timeout - forQuit))
        {
            Kill();
            await Completion;
        }
    }

    /// <summary>Ends the process now (its output is lost).</summary>
    public void Kill()
    {
        _stopping = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited already.
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private async Task<bool> WaitAsync(TimeSpan timeout)
    {
        try
        {
            await Completion.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void KeepError(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_errors)
        {
            _errors.Enqueue(line.Trim());
            while (_errors.Count > KeptErrorLines)
            {
                _errors.Dequeue();
            }
        }
    }

    private void OnExited()
    {
        // The redirected streams may still hold the last lines; WaitForExit drains them.
        _process.WaitForExit();
        _exited.TrySetResult();
        Exited?.Invoke(this, _stopping);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
