using Parley.Media.Ortc;

namespace Parley.Media.Routing;

/// <summary>How a router is created.</summary>
public sealed class RouterOptions
{
    /// <summary>The codecs the router offers, in order of preference; <see cref="RouterDefaults.MediaCodecs"/> when null.</summary>
    public IReadOnlyList<RtpCodecCapability>? MediaCodecs { get; init; }

    /// <summary>Anything the application wants to keep with the router.</summary>
    public object? AppData { get; init; }

    /// <summary>
    /// How long a simulcast stream may go without a packet before its consumers count it as stopped (a sender stops
    /// encodings it cannot afford). Tests that are not about stopped streams raise it, so that a stalled test machine
    /// does not look like a sender that stopped.
    /// </summary>
    internal int StreamInactivityMs { get; init; } = 1000;
}
