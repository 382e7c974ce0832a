using System.Globalization;

namespace Parley.LoadTest;

/// <summary>CPU time and resident memory of the server's processes (one, or every node of a cluster), from /proc.</summary>
internal sealed class ProcessSampler(IReadOnlyList<int> pids)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public IReadOnlyList<int> Pids { get; } = pids;

    /// <summary>User + system CPU seconds so far, summed, or null when a process is gone or /proc is not there.</summary>
    public double? CpuSeconds() => Sum(CpuSeconds);

    /// <summary>VmRSS in bytes, summed, or null.</summary>
    public long? ResidentBytes() => (long?)Sum(pid => ResidentBytes(pid));

    private double? Sum(Func<int, double?> read)
    {
        double total = 0;
        foreach (var pid in Pids)
        {
            if (read(pid) is not { } value)
                return null;
            total += value;
        }

        return total;
    }

    private static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command: state(0) ... utime is field 14 of stat, index 11 here; stime index 12.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static long? ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return null;
    }

    /// <summary>The process listening on a loopback TCP port, from /proc/net/tcp{,6} and the processes' fd links.</summary>
    public static int? FindListener(int port)
    {
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
                continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && f[3] == "0A" && int.Parse(f[1][(f[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                    inodes.Add($"socket:[{f[9]}]");
            }
        }

        if (inodes.Count == 0)
            return null;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(directory, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                        return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return null;
    }
}
