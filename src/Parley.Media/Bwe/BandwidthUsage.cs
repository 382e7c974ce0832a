namespace Parley.Media.Bwe;

/// <summary>The overuse detector's reading of the path (draft-ietf-rmcat-gcc-02 §5.4).</summary>
internal enum BandwidthUsage
{
    Normal,
    Underusing,
    Overusing,
}
