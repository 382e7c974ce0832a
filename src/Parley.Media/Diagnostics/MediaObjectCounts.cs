namespace Parley.Media.Diagnostics;

/// <summary>How many media objects are open: one worker's at its last refresh, or the sum over workers.</summary>
internal struct MediaObjectCounts
{
    public int Routers;
    public int WebRtcTransports;
    public int PlainTransports;
    public int AudioProducers;
    public int VideoProducers;
    public int Consumers;

    public void Add(in MediaObjectCounts other)
    {
        Routers += other.Routers;
        WebRtcTransports += other.WebRtcTransports;
        PlainTransports += other.PlainTransports;
        AudioProducers += other.AudioProducers;
        VideoProducers += other.VideoProducers;
        Consumers += other.Consumers;
    }
}
