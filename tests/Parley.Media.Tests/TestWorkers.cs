using Parley.Media.Routing;

namespace Parley.Media.Tests;

/// <summary>
/// Workers for tests that check exact delivery: a loaded test machine that stalls a worker for more than the
/// production budget is not an overloaded worker, so their datagrams are not shed (shedding has its own tests,
/// <c>OverloadSheddingTests</c>).
/// </summary>
internal static class TestWorkers
{
    public static readonly TimeSpan MaxQueueDelay = TimeSpan.FromSeconds(10);

    public static Worker Create(string? name = null, bool portableWait = false) => new(name, portableWait, maxQueueDelay: MaxQueueDelay);
}
