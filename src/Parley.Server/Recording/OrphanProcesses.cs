namespace Parley.Server.Recording;

/// <summary>
/// Finds ffmpeg processes a previous run started on this recording folder (their working directory is inside it)
/// and kills them: after a crash of the server, nothing else would end them.
/// </summary>
internal static class OrphanProcesses
{
    public static void KillUnder(string root, ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc"))
        {
            return;
        }

        var prefix = Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar;
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var executable = new FileInfo(Path.Combine(entry, "exe")).LinkTarget;
                var workingDirectory = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (executable is null || workingDirectory is null
                    || !Path.GetFileName(executable).StartsWith("ffmpeg", StringComparison.Ordinal)
                    || !(workingDirectory + Path.DirectorySeparatorChar).StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                RecordingLog.OrphanKilled(logger, pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile, or not ours to look at.
            }
        }
    }
}
