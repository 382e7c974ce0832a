using Parley.Media.Net;

namespace Parley.Media.Ice;

/// <summary>Where an <see cref="IceLiteAgent"/> sends the STUN responses it builds; the bytes are valid only during the call.</summary>
internal interface IIceResponseSink
{
    void SendStunResponse(ReadOnlySpan<byte> response, in TransportTuple to);
}
