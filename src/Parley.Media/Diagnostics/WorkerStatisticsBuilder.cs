namespace Parley.Media.Diagnostics;

/// <summary>Sums one worker's live objects on its thread into a <see cref="WorkerStatistics"/>.</summary>
internal sealed class WorkerStatisticsBuilder
{
    public MediaObjectCounts Counts;

    public WorkerStatisticsBuilder(MediaTrafficTotals closed)
    {
        Traffic.Add(closed);
    }

    /// <summary>Starts with the totals of objects that closed already.</summary>
    public MediaTrafficTotals Traffic { get; } = new();

    public WorkerStatistics Build() => new() { Counts = Counts, Traffic = Traffic };
}
