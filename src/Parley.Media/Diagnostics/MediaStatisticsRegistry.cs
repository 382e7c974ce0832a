using Parley.Media.Net;
using Parley.Media.Routing;

namespace Parley.Media.Diagnostics;

/// <summary>
/// The live workers and WebRTC servers whose statistics the <c>Parley.Media</c> meter reports. Workers publish
/// snapshots on their own threads; this only reads the latest of each, so metric callbacks never touch media state.
/// What a closed worker or server counted is kept, so cumulative counts never go down.
/// </summary>
internal sealed class MediaStatisticsRegistry
{
    private static readonly int ServerDropReasonCount = Enum.GetValues<DropReason>().Length;
    private static readonly int OverloadDropReasonCount = Enum.GetValues<OverloadDropReason>().Length;

    private readonly Lock _gate = new();
    private readonly HashSet<Worker> _workers = [];
    private readonly HashSet<WebRtcServer> _servers = [];
    private readonly MediaTrafficTotals _retiredTraffic = new();
    private readonly long[] _retiredServerDrops = new long[ServerDropReasonCount];
    private readonly long[] _retiredOverloadDrops = new long[OverloadDropReasonCount];
    private long _retiredFailedDatagrams;
    private long _retiredWorkerFaults;

    public void Add(Worker worker)
    {
        lock (_gate)
        {
            _workers.Add(worker);
        }
    }

    /// <summary>Forgets a closed worker, keeping the cumulative counts of its final snapshot.</summary>
    public void Remove(Worker worker)
    {
        lock (_gate)
        {
            if (_workers.Remove(worker))
            {
                _retiredTraffic.Add(worker.Statistics.Traffic);
                _retiredFailedDatagrams += worker.FailedDatagramCount;
                _retiredWorkerFaults += worker.FaultCount;
                AddOverloadDrops(worker, _retiredOverloadDrops);
            }
        }
    }

    public void Add(WebRtcServer server)
    {
        lock (_gate)
        {
            _servers.Add(server);
        }
    }

    /// <summary>Forgets a disposed server, keeping its drop counts.</summary>
    public void Remove(WebRtcServer server)
    {
        lock (_gate)
        {
            if (_servers.Remove(server))
            {
                AddServerDrops(server, _retiredServerDrops);
            }
        }
    }

    /// <summary>The sum over live workers and servers, plus what closed ones counted.</summary>
    public MediaStatisticsSummary Read()
    {
        var summary = new MediaStatisticsSummary(ServerDropReasonCount, OverloadDropReasonCount);
        lock (_gate)
        {
            summary.Traffic.Add(_retiredTraffic);
            summary.FailedDatagrams = _retiredFailedDatagrams;
            summary.WorkerFaults = _retiredWorkerFaults;
            _retiredServerDrops.CopyTo(summary.ServerDrops, 0);
            _retiredOverloadDrops.CopyTo(summary.OverloadDrops, 0);
            foreach (var worker in _workers)
            {
                var statistics = worker.Statistics;
                summary.Workers++;
                summary.Counts.Add(statistics.Counts);
                summary.Traffic.Add(statistics.Traffic);
                summary.FailedDatagrams += worker.FailedDatagramCount;
                summary.WorkerFaults += worker.FaultCount;
                AddOverloadDrops(worker, summary.OverloadDrops);
            }

            foreach (var server in _servers)
            {
                AddServerDrops(server, summary.ServerDrops);
            }
        }

        return summary;
    }

    private static void AddOverloadDrops(Worker worker, long[] drops)
    {
        for (var i = 0; i < drops.Length; i++)
        {
            drops[i] += worker.GetOverloadDropCount((OverloadDropReason)i);
        }
    }

    private static void AddServerDrops(WebRtcServer server, long[] drops)
    {
        for (var i = 0; i < drops.Length; i++)
        {
            drops[i] += server.Counters.GetDropped((DropReason)i);
        }
    }
}

/// <summary>One reading of a <see cref="MediaStatisticsRegistry"/>.</summary>
internal sealed class MediaStatisticsSummary(int serverDropReasonCount, int overloadDropReasonCount)
{
    public int Workers;
    public MediaObjectCounts Counts;
    public long FailedDatagrams;

    /// <summary>Worker callbacks other than datagram handlers that threw (timers, the loop's own work).</summary>
    public long WorkerFaults;

    public MediaTrafficTotals Traffic { get; } = new();

    /// <summary>Indexed by <see cref="DropReason"/>.</summary>
    public long[] ServerDrops { get; } = new long[serverDropReasonCount];

    /// <summary>Datagrams workers dropped for their age, indexed by <see cref="OverloadDropReason"/>.</summary>
    public long[] OverloadDrops { get; } = new long[overloadDropReasonCount];
}
