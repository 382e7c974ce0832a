namespace Parley.Media.Diagnostics;

/// <summary>
/// What one worker had live at its last refresh, and everything it has carried since it started (closed objects
/// included, so cumulative counts never go down). Immutable once published; read by metric callbacks on any thread.
/// </summary>
internal sealed class WorkerStatistics
{
    public static readonly WorkerStatistics Empty = new();

    public MediaObjectCounts Counts { get; init; }

    public MediaTrafficTotals Traffic { get; init; } = new();
}
