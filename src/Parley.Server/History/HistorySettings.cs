namespace Parley.Server.History;

/// <summary>The <c>History</c> settings (README lists them).</summary>
internal sealed class HistorySettings
{
    public const string SectionName = "History";

    /// <summary>Sessions that ended longer ago than this many days are deleted with their attendance; 0 keeps them forever.</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>
    /// A person who comes back within this long of leaving (a reload, a dropped connection) continues their
    /// attendance record, and a room that empties and fills again within it continues its session.
    /// </summary>
    public TimeSpan ReconnectGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the retention cleanup runs.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}
