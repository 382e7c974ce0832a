using StackExchange.Redis;

namespace Parley.Server.Cluster;

/// <summary>
/// Which rows left open by an earlier run (history sessions, recordings) this node may finish at start-up. Alone
/// (no Redis), all of them. Among several nodes, the rows it wrote itself, rows of a node that is no longer alive in
/// the registry (a survivor takes them over), and rows written before nodes were recorded; never those of a live
/// node, whose meetings and recordings are still running there.
/// </summary>
internal sealed class LeftoverOwnership(NodeIdentity node, IServiceProvider services)
{
    private readonly ClusterDirectory? _directory = node.Clustered ? services.GetRequiredService<ClusterDirectory>() : null;

    /// <summary>The id this node writes into the rows it owns.</summary>
    public string NodeId => node.Id;

    private async Task<bool> MayFinishAsync(string? rowNodeId)
    {
        if (_directory is null || rowNodeId is null || rowNodeId == node.Id)
        {
            return true;
        }

        try
        {
            return !await _directory.IsLiveAsync(rowNodeId);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Redis cannot say whether that node lives: its rows stay for a start-up that can (never fail a live one).
            return false;
        }
    }

    /// <summary>Of the leftover rows' node ids, those this node may finish (one registry look-up per node).</summary>
    public async Task<HashSet<string?>> FinishableAsync(IEnumerable<string?> rowNodeIds)
    {
        var finishable = new HashSet<string?>();
        foreach (var id in rowNodeIds.Distinct())
        {
            if (await MayFinishAsync(id))
            {
                finishable.Add(id);
            }
        }

        return finishable;
    }
}
