namespace Parley.Media.Allocation;

/// <summary>Hysteresis of a <see cref="BitrateAllocator"/>: what keeps a consumer from switching layers back and forth.</summary>
/// <param name="UpgradeHeadroom">
/// A higher layer (or a resume) is taken only when its cost times (1 + this) fits, so an estimate that wobbles
/// around a layer's cost does not switch it back and forth.
/// </param>
/// <param name="MinHoldMicroseconds">
/// A layer is kept at least this long before an upgrade (downgrades are not held: the link cannot carry the layer).
/// </param>
/// <param name="MaxHoldMicroseconds">
/// An upgrade that did not last (a downgrade within <paramref name="FailedUpgradeMicroseconds"/>) doubles the consumer's
/// hold, up to this; a downgrade after a layer that lasted brings it back to <paramref name="MinHoldMicroseconds"/>.
/// </param>
/// <param name="FailedUpgradeMicroseconds">How soon after an upgrade a downgrade counts it as failed.</param>
/// <param name="DeficitTolerance">
/// A layer kept may cost up to this share more than is left for it for <paramref name="DeficitGraceMicroseconds"/>
/// (the noise of measured layer rates and of the estimate); a larger deficit, or a longer one, lowers it at once.
/// </param>
/// <param name="DeficitGraceMicroseconds">How long a small deficit is tolerated.</param>
/// <param name="RecoveredEstimateFactor">
/// Once what is available reaches this multiple of what was available when an upgrade failed, the lengthened hold no
/// longer applies (only <paramref name="MinHoldMicroseconds"/>): the link has changed since the failures.
/// </param>
/// <param name="KeyFrameDrainMicroseconds">
/// A spatial upgrade of a consumer that forwards a picture needs the new layer's last keyframe to cross the link, at
/// what is available to the consumer, within this time (a longer gap between pictures is a freeze to the receiver).
/// </param>
/// <param name="SpatialUpgradeHeadroom">
/// The headroom of a spatial upgrade of a consumer that forwards a picture (in place of <paramref name="UpgradeHeadroom"/>):
/// the first seconds after a switch cost more than the layer's average (its keyframe, and a sender's encoder that
/// raises its rate after a requested keyframe: in the browser bench 1280 px at its base temporal layer, costed at
/// 172 kbit/s when chosen, ran at 280–350 kbit/s for 2 s), and a switch that fails costs a second keyframe, which the
/// picture waits for.
/// </param>
/// <param name="SwitchSettleMicroseconds">
/// For this long after an upgrade, the layer chosen is kept at no more than what it cost when chosen (the switch's own
/// keyframe burst is not a reason to lower it).
/// </param>
internal readonly record struct AllocatorOptions(
    double UpgradeHeadroom,
    long MinHoldMicroseconds,
    long MaxHoldMicroseconds,
    long FailedUpgradeMicroseconds,
    double DeficitTolerance,
    long DeficitGraceMicroseconds,
    double RecoveredEstimateFactor,
    long KeyFrameDrainMicroseconds,
    double SpatialUpgradeHeadroom,
    long SwitchSettleMicroseconds)
{
    public static AllocatorOptions Default => new(0.15, 2_000_000, 64_000_000, 10_000_000, 0.1, 500_000, 2, 250_000, 1.0, 2_000_000);
}
