namespace Parley.Media.Diagnostics;

/// <summary>Sums one worker's live objects on its thread into a <see cref="WorkerStatistics"/>.</summary>
internal sealed class WorkerStatisticsBuilder
{
    public int Routers;
    public int WebRtcTransports;
    public int PlainTransports;
    public int AudioProducers;
    public int VideoProducers;
    public int Consumers;

    public WorkerStatisticsBuilder(MediaTrafficTotals closed)
    {
        Traffic.Add(closed);
    }

    /// <summary>Starts with the totals of objects that closed already.</summary>
    public MediaTrafficTotals Traffic { get; } = new();

    public WorkerStatistics Build() => new()
    {
        Routers = Routers,
        WebRtcTransports = WebRtcTransports,
        PlainTransports = PlainTransports,
        AudioProducers = AudioProducers,
        VideoProducers = VideoProducers,
        Consumers = Consumers,
        Traffic = Traffic,
    };
}
