namespace Parley.Server.Hubs;

/// <summary>
/// The <c>Hub</c> configuration section. The defaults clean up a vanished client within 30 s while fitting the
/// @microsoft/signalr client defaults the web page uses (it pings every 15 s and gives up on a silent server
/// after 30 s): the server pings every 10 s and drops a client silent for 25 s.
/// </summary>
internal sealed class HubSettings
{
    public const string SectionName = "Hub";

    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a client may stay silent before the server drops it and cleans up (tests set a few seconds).</summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The largest hub message accepted; mediasoup-client's device capabilities are about 7 KB.</summary>
    public long MaximumReceiveMessageSize { get; set; } = 64 * 1024;

    /// <summary>
    /// On a graceful stop, how long the server waits for clients to close after <c>serverShuttingDown</c> before it
    /// closes their connections itself (the web client closes at once and reconnects when the server is back).
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The per-connection limit on hub calls.</summary>
    public HubRateLimitSettings RateLimit { get; set; } = new();
}

/// <summary>
/// <c>Hub:RateLimit</c>: a token bucket per connection. The burst is sized for joining a large room (mediasoup-client
/// asks for a consumer and its resume per remote producer: about 4 calls per person with mic and camera on), the
/// sustained rate stops a client from flooding the room with events.
/// </summary>
internal sealed class HubRateLimitSettings
{
    /// <summary>Calls a connection may make at once, when it has been quiet.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Calls per second a connection may keep up (added to its bucket once a second).</summary>
    public int PermitsPerSecond { get; set; } = 20;
}
