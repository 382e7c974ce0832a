using Parley.Media.Ortc;

namespace Parley.Media.Routing;

/// <summary>How a router is created.</summary>
public sealed class RouterOptions
{
    /// <summary>The codecs the router offers, in order of preference; <see cref="RouterDefaults.MediaCodecs"/> when null.</summary>
    public IReadOnlyList<RtpCodecCapability>? MediaCodecs { get; init; }

    /// <summary>Anything the application wants to keep with the router.</summary>
    public object? AppData { get; init; }
}
