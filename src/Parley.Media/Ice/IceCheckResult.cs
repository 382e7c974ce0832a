namespace Parley.Media.Ice;

/// <summary>What an <see cref="IceLiteAgent"/> did with one STUN packet, for counters and tests.</summary>
internal enum IceCheckResult
{
    /// <summary>A valid check: answered with a success response, tuple validated.</summary>
    Accepted,

    /// <summary>Answered 400: no USERNAME, no MESSAGE-INTEGRITY, or no PRIORITY.</summary>
    BadRequest,

    /// <summary>Answered 401: unknown ufrag or wrong MESSAGE-INTEGRITY.</summary>
    Unauthorized,

    /// <summary>Answered 420: a comprehension-required attribute we do not know.</summary>
    UnknownAttribute,

    /// <summary>Answered 487: the peer claims to be controlled too, but a lite agent is always controlled.</summary>
    RoleConflict,

    /// <summary>Not a binding request (an indication or a response): silently ignored.</summary>
    Ignored,

    /// <summary>Not a valid STUN message, or a wrong FINGERPRINT: dropped without an answer.</summary>
    Malformed,

    /// <summary>The agent is closed.</summary>
    Closed,
}
