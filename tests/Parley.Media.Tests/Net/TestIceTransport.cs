using System.Collections.Concurrent;
using Parley.Media.Ice;
using Parley.Media.Net;

namespace Parley.Media.Tests.Net;

/// <summary>
/// The smallest transport a WebRtcServer can serve: an ICE-lite agent joined through IceServerBinding,
/// recording the non-STUN packets it accepts from validated tuples and counting the ones it refuses.
/// </summary>
internal sealed class TestIceTransport : IWebRtcServerTransport, IDisposable
{
    private IceServerBinding? _binding;
    private int _refusedMedia;

    public TestIceTransport(WebRtcServer server, bool dedicatedPort = false)
    {
        Agent = new IceLiteAgent();
        Registration = server.Register(this, dedicatedPort);
        _binding = new IceServerBinding(Agent, Registration);
    }

    public IceLiteAgent Agent { get; }

    public WebRtcServerRegistration Registration { get; }

    public IceParameters Parameters => Agent.LocalParameters;

    public string LocalUsernameFragment => Agent.LocalParameters.UsernameFragment;

    public ConcurrentQueue<(byte[] Packet, TransportTuple From, PacketKind Kind)> Media { get; } = new();

    public ConcurrentQueue<TransportTuple> ClosedTuples { get; } = new();

    public int RefusedMedia => Volatile.Read(ref _refusedMedia);

    public void OnPacket(Span<byte> packet, in TransportTuple from, PacketKind kind, long arrivalTimestamp)
    {
        if (kind == PacketKind.Stun)
        {
            _binding?.ProcessStun(packet, from, Registration.NowMilliseconds);
        }
        else if (Agent.IsValidatedTuple(from))
        {
            Media.Enqueue((packet.ToArray(), from, kind));
        }
        else
        {
            Interlocked.Increment(ref _refusedMedia);
        }
    }

    public void OnTupleClosed(in TransportTuple tuple) => ClosedTuples.Enqueue(tuple);

    public void OnTick(long nowMilliseconds) => _binding?.Tick(nowMilliseconds);

    public IceParameters RestartIce()
    {
        lock (Registration.Gate)
        {
            return _binding!.RestartIce();
        }
    }

    public T Read<T>(Func<IceLiteAgent, T> read)
    {
        lock (Registration.Gate)
        {
            return read(Agent);
        }
    }

    public void Dispose()
    {
        _binding?.Dispose();
        _binding = null;
        Registration.Dispose();
    }
}
