namespace Parley.Server.RoomMedia;

/// <summary>The <c>Media</c> configuration section: the SFU's shared port, addresses and router lifetime.</summary>
internal sealed class MediaSettings
{
    public const string SectionName = "Media";

    /// <summary>The single UDP and TCP port every WebRTC transport shares (0: an ephemeral port, for tests).</summary>
    public int Port { get; set; } = 40000;

    /// <summary>The address the shared port listens on.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The address put into ICE candidates (a public IP or name); null for the listening address.</summary>
    public string? AnnouncedAddress { get; set; }

    /// <summary>The port put into ICE candidates (behind a port forward); null for <see cref="Port"/>.</summary>
    public int? AnnouncedPort { get; set; }

    /// <summary>Media workers (threads); null for one per processor.</summary>
    public int? WorkerCount { get; set; }

    /// <summary>
    /// How long a received datagram may wait for its media worker before it is dropped unhandled (shedding under
    /// overload); null for the engine's default (<c>WorkerPoolOptions.MaxQueueDelay</c>), zero never drops.
    /// </summary>
    public TimeSpan? MaxQueueDelay { get; set; }

    /// <summary>How long a room's router outlives its last participant (a quick rejoin keeps it).</summary>
    public TimeSpan RouterIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>WebRTC transports one connection may hold at once (mediasoup-client needs two).</summary>
    public int MaxTransportsPerPeer { get; set; } = 4;

    /// <summary>Consumers one connection may hold at once.</summary>
    public int MaxConsumersPerPeer { get; set; } = 512;
}
