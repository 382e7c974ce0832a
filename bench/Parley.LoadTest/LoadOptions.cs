using System.Globalization;
using System.Net;

namespace Parley.LoadTest;

/// <summary>Which simulcast layer every consumer asks for; <see cref="Auto"/> leaves the server's choice (the top).</summary>
internal enum LayerChoice
{
    Auto,
    Low,
    Mid,
    High,
}

/// <summary>The scenario from the command line; every count and duration is bounded.</summary>
internal sealed record LoadOptions
{
    public const int MaxParticipants = 2000;

    public const int MaxNodes = 16;

    /// <summary>The first node: sign-in, rooms and join codes go here.</summary>
    public required Uri Server { get; init; }

    /// <summary>
    /// The nodes of a cluster (<c>--urls</c>); participant i opens its hub at node i mod count and follows
    /// <c>redirect</c> answers as the web client does. Just <see cref="Server"/> without <c>--urls</c>.
    /// </summary>
    public IReadOnlyList<Uri> Nodes
    {
        get => field is { Count: > 0 } ? field : [Server];
        init;
    } = [];

    public int Rooms { get; init; } = 1;

    public int Size { get; init; } = 4;

    /// <summary>Publishers per room; the rest only watch. Equal to <see cref="Size"/> unless <c>--publishers</c>.</summary>
    public int Publishers { get; init; }

    public bool AudioOnly { get; init; }

    /// <summary>Participants started per second.</summary>
    public double Ramp { get; init; } = 10;

    /// <summary>The measured window, once everyone receives everyone.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Media flows this long once everyone receives everyone before the window opens (<c>--warmup</c>, default 0):
    /// a fresh server compiles its hot path (the JIT's tier 1) in its first tens of seconds, on the same cores.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;

    public LayerChoice Layer { get; init; } = LayerChoice.Auto;

    /// <summary>Percent of outgoing video RTP dropped before the socket, as a lossy uplink would (exercises NACK/RTX).</summary>
    public double SendLossPercent { get; init; }

    public string? JsonFile { get; init; }

    public int? ServerPid { get; init; }

    /// <summary>Quiet: no progress line (the smoke test).</summary>
    public bool Quiet { get; init; }

    public int Participants => Rooms * Size;

    public const string Usage = """
        usage: Parley.LoadTest --server http://127.0.0.1:PORT | --urls URL,URL... [--rooms R] [--size S] [--publishers P] [--audio-only]
                               [--ramp PER_SECOND] [--seconds D] [--warmup W] [--layer low|mid|high|auto] [--json FILE]
                               [--server-pid PID] [--send-loss PERCENT] [--quiet]
        Plays R x S WebRTC participants (guest sign-in, join by code, ICE + DTLS-SRTP, opus + 3-layer VP8 simulcast)
        against a Parley server on this machine, measures for D seconds once everyone receives everyone (after W seconds
        of media not counted, default 0: the server's warm-up), and exits 0
        only when every participant received every publisher's tracks. Only loopback servers are accepted.
        --send-loss drops that percent of the video packets each participant sends (kept in its history), so NACKs and
        RTX retransmissions are exercised; loss is then reported after retransmission.
        The server's default auth rate limit (10 sign-ins a minute) is too low for more than 8 participants: start it
        with RateLimits__Auth__PermitLimit=100000 and RateLimits__JoinCode__PermitLimit=100000.
        --urls plays against the nodes of a cluster: participant i connects to node i mod count and follows redirects;
        server CPU and memory are then the sum over every node's process.
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        Uri? server = null;
        List<Uri>? nodes = null;
        int rooms = 1, size = 4;
        int? publishers = null, pid = null;
        var audioOnly = false;
        var quiet = false;
        double ramp = 10, seconds = 10, sendLoss = 0, warmup = 0;
        var layer = LayerChoice.Auto;
        string? json = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--server": server = new Uri(Value()); break;
                case "--urls": nodes = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u))]; break;
                case "--rooms": rooms = Int(name, Value()); break;
                case "--size": size = Int(name, Value()); break;
                case "--publishers": publishers = Int(name, Value()); break;
                case "--audio-only": audioOnly = true; break;
                case "--quiet": quiet = true; break;
                case "--ramp": ramp = Number(name, Value()); break;
                case "--seconds": seconds = Number(name, Value()); break;
                case "--warmup": warmup = Number(name, Value()); break;
                case "--layer":
                    layer = Enum.TryParse<LayerChoice>(Value(), ignoreCase: true, out var l) ? l : throw new ArgumentException("--layer is low, mid, high or auto");
                    break;
                case "--json": json = Value(); break;
                case "--server-pid": pid = Int(name, Value()); break;
                case "--send-loss": sendLoss = Number(name, Value()); break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        var options = new LoadOptions
        {
            Server = server ?? nodes?.FirstOrDefault() ?? throw new ArgumentException("--server URL (or --urls) is required"),
            Nodes = nodes ?? [],
            Rooms = rooms,
            Size = size,
            Publishers = publishers ?? size,
            AudioOnly = audioOnly,
            Ramp = ramp,
            Duration = TimeSpan.FromSeconds(seconds),
            Warmup = TimeSpan.FromSeconds(warmup),
            Layer = layer,
            JsonFile = json,
            ServerPid = pid,
            Quiet = quiet,
            SendLossPercent = sendLoss,
        };
        options.Validate();
        return options;
    }

    public void Validate()
    {
        if (!IsLoopback(Server))
            throw new ArgumentException($"--server {Server} is not a loopback address: this tool only loads a server on this machine");
        if (Nodes.Count > MaxNodes)
            throw new ArgumentException($"--urls takes at most {MaxNodes} URLs");
        if (Nodes.FirstOrDefault(n => !IsLoopback(n)) is { } away)
            throw new ArgumentException($"--urls {away} is not a loopback address: this tool only loads servers on this machine");
        if (Rooms < 1 || Size < 2 || Participants > MaxParticipants)
            throw new ArgumentException($"--rooms at least 1, --size at least 2, at most {MaxParticipants} participants in all");
        if (Publishers < 1 || Publishers > Size)
            throw new ArgumentException("--publishers is from 1 to --size");
        if (Ramp is <= 0 or > 1000)
            throw new ArgumentException("--ramp is from 0 to 1000 participants a second");
        if (SendLossPercent is < 0 or > 50)
            throw new ArgumentException("--send-loss is from 0 to 50 percent");
        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromHours(1))
            throw new ArgumentException("--seconds is from 0 to 3600");
        if (Warmup < TimeSpan.Zero || Warmup > TimeSpan.FromMinutes(10))
            throw new ArgumentException("--warmup is from 0 to 600");
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name} takes a whole number");

    private static double Number(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{name} takes a number");
}
