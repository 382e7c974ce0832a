namespace Parley.Media.Allocation;

/// <summary>A spatial and temporal layer; higher means spatial first, then temporal. <see cref="None"/>: paused.</summary>
internal readonly record struct VideoLayer(int Spatial, int Temporal) : IComparable<VideoLayer>
{
    public static VideoLayer None => new(-1, -1);

    public bool IsNone => Spatial < 0;

    public int CompareTo(VideoLayer other) => Spatial != other.Spatial
        ? Spatial.CompareTo(other.Spatial)
        : Temporal.CompareTo(other.Temporal);

    public static bool operator >(VideoLayer left, VideoLayer right) => left.CompareTo(right) > 0;

    public static bool operator <(VideoLayer left, VideoLayer right) => left.CompareTo(right) < 0;

    public static bool operator >=(VideoLayer left, VideoLayer right) => left.CompareTo(right) >= 0;

    public static bool operator <=(VideoLayer left, VideoLayer right) => left.CompareTo(right) <= 0;
}
