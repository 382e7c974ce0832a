using System.Globalization;

namespace Parley.HubLoad;

/// <summary>
/// Command-line options: <c>--url</c> (or <c>--urls</c>, comma-separated nodes of one cluster: clients connect to them
/// in turn and follow <c>redirect</c> answers), <c>--rooms</c>, <c>--clients</c> (per room), <c>--seconds</c>,
/// <c>--join-rate</c> (joins per second over all clients; 0, the default, is a closed loop as fast as they go),
/// <c>--server-pid</c>, <c>--warmup</c> (seconds of the same churn before the measured one, not counted, default 0: a
/// fresh server compiles its join path to tier 1 under that load).
/// </summary>
internal sealed record LoadOptions(IReadOnlyList<Uri> Urls, int Rooms, int ClientsPerRoom, TimeSpan Duration, double JoinRate, int? ServerPid, TimeSpan Warmup)
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

        var urls = values.GetValueOrDefault("urls", values.GetValueOrDefault("url", "http://127.0.0.1:5000"));
        return new LoadOptions(
            [.. urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u))],
            Int("rooms", 100),
            Int("clients", 10),
            TimeSpan.FromSeconds(Int("seconds", 10)),
            values.TryGetValue("join-rate", out var rate) ? double.Parse(rate, CultureInfo.InvariantCulture) : 0,
            values.TryGetValue("server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            TimeSpan.FromSeconds(Math.Clamp(Int("warmup", 0), 0, 600)));
    }

    /// <summary>The first node: where the rooms and users are made over HTTP (the HTTP API works on every node).</summary>
    public Uri Url => Urls[0];
}
