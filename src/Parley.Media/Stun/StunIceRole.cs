namespace Parley.Media.Stun;

/// <summary>Which ICE role attribute a binding request carries (RFC 8445 §7.1.3).</summary>
internal enum StunIceRole : byte
{
    None,
    Controlling,
    Controlled,
}
