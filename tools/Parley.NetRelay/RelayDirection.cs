namespace Parley.NetRelay;

/// <summary>A direction through the relay.</summary>
public enum RelayDirection
{
    /// <summary>From the client (the browser) to the target (the media port).</summary>
    Upstream,

    /// <summary>From the target back to the client.</summary>
    Downstream,
}
