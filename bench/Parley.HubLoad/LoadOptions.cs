using System.Globalization;

namespace Parley.HubLoad;

/// <summary>Command-line options: <c>--url</c>, <c>--rooms</c>, <c>--clients</c> (per room), <c>--seconds</c>, <c>--server-pid</c>.</summary>
internal sealed record LoadOptions(Uri Url, int Rooms, int ClientsPerRoom, TimeSpan Duration, int? ServerPid)
{
    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option name, got '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        int Int(string name, int fallback) =>
            values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        return new LoadOptions(
            new Uri(values.GetValueOrDefault("url", "http://127.0.0.1:5000")),
            Int("rooms", 100),
            Int("clients", 10),
            TimeSpan.FromSeconds(Int("seconds", 10)),
            values.TryGetValue("server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null);
    }
}
