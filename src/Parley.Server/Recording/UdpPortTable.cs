using System.Globalization;

namespace Parley.Server.Recording;

/// <summary>
/// Whether a local UDP port is bound, read from Linux's <c>/proc/net/udp</c> and <c>/proc/net/udp6</c>: how the
/// server knows a track's ffmpeg listens before any RTP is sent to it.
/// </summary>
internal static class UdpPortTable
{
    /// <summary>True when a line of the table (the format of <c>/proc/net/udp</c>) has <paramref name="port"/> as its local port.</summary>
    public static bool HasLocalPort(string table, int port)
    {
        foreach (var line in table.AsSpan().EnumerateLines())
        {
            // "  sl  local_address rem_address ...": local_address is ADDRESS:PORT in hex.
            var trimmed = line.TrimStart();
            var space = trimmed.IndexOf(' ');
            if (space < 0)
            {
                continue;
            }

            var rest = trimmed[(space + 1)..].TrimStart();
            var end = rest.IndexOf(' ');
            var local = end < 0 ? rest : rest[..end];
            var colon = local.LastIndexOf(':');
            if (colon > 0 && int.TryParse(local[(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var bound) && bound == port)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the kernel's tables; false where there are none (not Linux).</summary>
    public static bool IsBound(int port)
    {
        foreach (var path in (ReadOnlySpan<string>)["/proc/net/udp", "/proc/net/udp6"])
        {
            if (File.Exists(path) && HasLocalPort(File.ReadAllText(path), port))
            {
                return true;
            }
        }

        return false;
    }
}
