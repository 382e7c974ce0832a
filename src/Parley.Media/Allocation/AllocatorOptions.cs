namespace Parley.Media.Allocation;

/// <summary>Hysteresis of a <see cref="BitrateAllocator"/>.</summary>
/// <param name="UpgradeHeadroom">
/// A higher layer (or a resume) is taken only when its cost times (1 + this) fits, so an estimate that wobbles
/// around a layer's cost does not switch it back and forth.
/// </param>
/// <param name="MinHoldMicroseconds">A layer is kept at least this long before an upgrade (downgrades are immediate: the link cannot carry the layer).</param>
internal readonly record struct AllocatorOptions(double UpgradeHeadroom, long MinHoldMicroseconds)
{
    public static AllocatorOptions Default => new(0.15, 2_000_000);
}
