namespace Parley.Media.Ice;

/// <summary>The ICE state of a transport as seen by the ICE-lite side (mediasoup's iceState values).</summary>
public enum IceState
{
    /// <summary>No valid connectivity check received yet.</summary>
    New,

    /// <summary>A valid check arrived; a tuple is usable but the controlling peer has not nominated one.</summary>
    Connected,

    /// <summary>The controlling peer nominated a tuple (USE-CANDIDATE).</summary>
    Completed,

    /// <summary>Consent expired: no valid check for the consent timeout (RFC 7675). A valid check reconnects.</summary>
    Disconnected,

    /// <summary>The agent was closed; it answers nothing more.</summary>
    Closed,
}
