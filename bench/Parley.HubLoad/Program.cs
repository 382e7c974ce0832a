using System.Diagnostics;
using System.Globalization;
using Parley.HubLoad;

// Drives a running Parley server: rooms x clients SignalR clients (WebSockets) that join and leave their room
// in a loop for a while, after sitting idle in it once; given several nodes (--urls), clients follow joinRoom's redirects. Prints joinRoom round trips, joins+leaves per second and, given
// --server-pid of a server on this machine, its resident memory per idle connected participant.
var options = LoadOptions.Parse(args);
using var http = new HttpClient { BaseAddress = options.Url };
var api = new ParleyApi(http);

// One owner creates every room; ClientsPerRoom guests each join every room (a user is in a room at most once,
// so one guest per seat number keeps the number of sign-ins small).
var ownerToken = await api.RegisterOwnerAsync("Load owner");
var roomIds = new List<string>();
for (var r = 0; r < options.Rooms; r++)
{
    roomIds.Add(await api.CreateRoomAsync(ownerToken, $"Load room {r}"));
}

var guestTokens = new List<string>();
for (var c = 0; c < options.ClientsPerRoom; c++)
{
    guestTokens.Add(await api.GuestTokenAsync($"Guest {c}"));
}

var rssBefore = ServerRss(options.ServerPid);
var clients = new List<LoadClient>();
foreach (var roomId in roomIds)
{
    foreach (var token in guestTokens)
    {
        clients.Add(new LoadClient(options.Urls[clients.Count % options.Urls.Count], token, roomId));
    }
}

var connectWatch = Stopwatch.StartNew();
await ForEachAsync(clients, c => c.StartAsync());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"connected {clients.Count} clients in {connectWatch.Elapsed.TotalSeconds:F1} s"));

// Everyone in their room and idle for a moment before memory is read, then out again for the churn.
await ForEachAsync(clients, c => c.JoinAsync());
var redirectedAtFirstJoin = clients.Sum(c => c.Redirects);
await Task.Delay(TimeSpan.FromSeconds(3));
var rssAfter = ServerRss(options.ServerPid);
await ForEachAsync(clients, c => c.LeaveAsync());

if (options.Warmup > TimeSpan.Zero)
{
    var warm = await ChurnAsync(clients, options.Warmup, options.JoinRate);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"warm-up churn {options.Warmup.TotalSeconds:F0} s (not counted): n={warm.Joins.Count} p50={warm.Joins.PercentileMilliseconds(50):F2} ms p99={warm.Joins.PercentileMilliseconds(99):F2} ms"));
}

var redirectedBeforeChurn = clients.Sum(c => c.Redirects);
var churnWatch = Stopwatch.StartNew();
var (joins, leaves) = await ChurnAsync(clients, options.Duration, options.JoinRate);
var churnSeconds = churnWatch.Elapsed.TotalSeconds;


Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"rooms {options.Rooms} x clients {options.ClientsPerRoom}, churn {churnSeconds:F1} s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"joinRoom round trip: n={joins.Count} p50={joins.PercentileMilliseconds(50):F2} ms p99={joins.PercentileMilliseconds(99):F2} ms"));
// Joins that went to the room's node at once apart from those redirected (a new hub connection and a second join).
var (direct, redirected) = (joins.Of(null), joins.Of("redirected"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"  not redirected: n={direct.Count} p50={direct.P50:F2} ms p99={direct.P99:F2} ms; redirected: n={redirected.Count} p50={redirected.P50:F2} ms p99={redirected.P99:F2} ms"));
// The slow joins one by one (UTC start), to line up with the server's metrics, PostgreSQL's and Redis' logs.
var slow = joins.SlowerThan(50, 40);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"joins over 50 ms: {joins.SlowerThan(50, int.MaxValue).Count}; churn began {DateTime.UtcNow - churnWatch.Elapsed:HH:mm:ss.fff} UTC"));
foreach (var sample in slow)
{
    Console.WriteLine($"  slow join {sample}");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"sustained: {(joins.Count + leaves) / churnSeconds:F0} joins+leaves/s ({joins.Count} joins, {leaves} leaves)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"nodes {options.Urls.Count}: {redirectedAtFirstJoin} redirects at the first join, {clients.Sum(c => c.Redirects) - redirectedBeforeChurn} during the churn (each timed as part of its join)"));
if (rssBefore is { } before && rssAfter is { } after)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"server RSS {before / 1048576.0:F1} MiB -> {after / 1048576.0:F1} MiB with {clients.Count} idle participants: {(after - before) / 1024.0 / clients.Count:F1} KiB each"));
}

await ForEachAsync(clients, c => c.DisposeAsync().AsTask());
return 0;

// Each client joins and leaves its room for the duration. With a join rate each client starts a join every
// clients/rate seconds (staggered), whether or not the last one was quick: an open loop at the offered rate, as the
// issue's figure asks; without it, as fast as each client goes.
static async Task<(LatencyRecorder Joins, int Leaves)> ChurnAsync(List<LoadClient> clients, TimeSpan duration, double joinRate)
{
    var joins = new LatencyRecorder();
    var leaves = 0;
    using var stop = new CancellationTokenSource(duration);
    var churnWatch = Stopwatch.StartNew();
    var period = joinRate > 0 ? TimeSpan.FromSeconds(clients.Count / joinRate) : TimeSpan.Zero;
    await Task.WhenAll(clients.Select(async (c, i) =>
    {
        var next = churnWatch.Elapsed + period * ((double)i / clients.Count);
        while (!stop.IsCancellationRequested)
        {
            if (period > TimeSpan.Zero)
            {
                var wait = next - churnWatch.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                next += period;
            }

            await joins.TimeAsync(c.JoinAsync, () => c.LastJoinRedirected ? "redirected" : null);
            await c.LeaveAsync();
            Interlocked.Increment(ref leaves);
        }
    }));
    return (joins, leaves);
}

// Bounded parallelism: a thousand simultaneous handshakes would measure the accept queue, not the hub.
static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> action) =>
    Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (item, _) => await action(item));

static long? ServerRss(int? pid)
{
    if (pid is null)
    {
        return null;
    }

    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return kb * 1024;
        }
    }

    return null;
}
