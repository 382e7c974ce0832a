using Parley.Media.Ice;

namespace Parley.Media.Net;

/// <summary>
/// Joins an <see cref="IceLiteAgent"/> to its <see cref="WebRtcServerRegistration"/>: the agent's STUN
/// responses go out through the registration, tuples the agent validates are bound on the server so their
/// DTLS/RTP reach the transport, expired ones are unbound, and an ICE restart moves the ufrag route.
/// A WebRtcTransport creates one of these and hands STUN packets to <see cref="ProcessStun"/>.
/// </summary>
internal sealed class IceServerBinding : IIceResponseSink, IDisposable
{
    private readonly IceLiteAgent _agent;
    private readonly WebRtcServerRegistration _registration;

    public IceServerBinding(IceLiteAgent agent, WebRtcServerRegistration registration)
    {
        _agent = agent;
        _registration = registration;
        _agent.TupleValidated += OnTupleValidated;
        _agent.TupleRemoved += OnTupleRemoved;
    }

    /// <summary>Feeds one STUN packet to the agent; responses are sent to <paramref name="from"/>.</summary>
    public IceCheckResult ProcessStun(ReadOnlySpan<byte> packet, in TransportTuple from, long nowMilliseconds) =>
        _agent.ProcessStun(packet, from, nowMilliseconds, this);

    /// <summary>Expires ICE consent of silent tuples (RFC 7675); call from <see cref="IWebRtcServerTransport.OnTick"/>.</summary>
    public void Tick(long nowMilliseconds) => _agent.CheckConsent(nowMilliseconds);

    /// <summary>Restarts ICE and re-routes the new ufrag to this transport; returns the new local parameters.</summary>
    public IceParameters RestartIce()
    {
        var parameters = _agent.Restart();
        _registration.ChangeUsernameFragment(parameters.UsernameFragment);
        return parameters;
    }

    public void Dispose()
    {
        _agent.TupleValidated -= OnTupleValidated;
        _agent.TupleRemoved -= OnTupleRemoved;
    }

    void IIceResponseSink.SendStunResponse(ReadOnlySpan<byte> response, in TransportTuple to) => _registration.Send(response, to);

    private void OnTupleValidated(TransportTuple tuple) => _registration.BindTuple(tuple);

    private void OnTupleRemoved(TransportTuple tuple) => _registration.UnbindTuple(tuple);
}
