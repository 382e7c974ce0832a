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
}
