using System.Collections.Concurrent;
using System.Text;
using Parley.Media.Stun;

namespace Parley.Media.Net;

/// <summary>
/// Finds the registration a packet on the shared port belongs to: by the ufrag in a STUN request's USERNAME
/// first, then by the tuple it came from. Lookups allocate nothing: the ufrag is decoded into a stack buffer
/// and looked up through the dictionary's span-keyed alternate lookup.
/// </summary>
internal sealed class PacketRouter
{
    private const int MaxUfragLength = 256;

    private readonly ConcurrentDictionary<string, WebRtcServerRegistration> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WebRtcServerRegistration>.AlternateLookup<ReadOnlySpan<char>> _byUfragSpan;
    private readonly ConcurrentDictionary<TransportTuple, WebRtcServerRegistration> _byTuple = new();

    public PacketRouter() => _byUfragSpan = _byUfrag.GetAlternateLookup<ReadOnlySpan<char>>();

    public int TupleCount => _byTuple.Count;

    public bool TryAddUfrag(string ufrag, WebRtcServerRegistration registration) => _byUfrag.TryAdd(ufrag, registration);

    public void RemoveUfrag(string ufrag, WebRtcServerRegistration registration) =>
        _byUfrag.TryRemove(new KeyValuePair<string, WebRtcServerRegistration>(ufrag, registration));

    public void BindTuple(in TransportTuple tuple, WebRtcServerRegistration registration) => _byTuple[tuple] = registration;

    public void UnbindTuple(in TransportTuple tuple, WebRtcServerRegistration registration) =>
        _byTuple.TryRemove(new KeyValuePair<TransportTuple, WebRtcServerRegistration>(tuple, registration));

    public bool TryGetByTuple(in TransportTuple tuple, out WebRtcServerRegistration registration) =>
        _byTuple.TryGetValue(tuple, out registration!);

    /// <summary>The registration for <paramref name="packet"/> from <paramref name="from"/>, or null with the reason to drop it.</summary>
    public WebRtcServerRegistration? Route(ReadOnlySpan<byte> packet, PacketKind kind, in TransportTuple from, out DropReason reason)
    {
        reason = default;
        if (kind == PacketKind.Unknown)
        {
            reason = DropReason.Malformed;
            return null;
        }

        if (kind == PacketKind.Stun)
        {
            if (!StunMessage.TryParse(packet, out var message))
            {
                reason = DropReason.Malformed;
                return null;
            }

            if (message.Class == StunClass.Request && message.HasUsername)
            {
                if (TryGetByUsername(message.Username, out var byUfrag))
                {
                    return byUfrag;
                }

                // An unknown ufrag from a validated tuple (e.g. the pre-restart one) still reaches its
                // transport, whose agent answers 401 as RFC 8489 §9.1.3 asks.
                if (_byTuple.TryGetValue(from, out var byTuple))
                {
                    return byTuple;
                }

                reason = DropReason.UnknownUsernameFragment;
                return null;
            }
        }

        if (_byTuple.TryGetValue(from, out var registration))
        {
            return registration;
        }

        reason = DropReason.UnknownTuple;
        return null;
    }

    /// <summary>Looks up the transport named by the local-ufrag part (before the colon) of a USERNAME.</summary>
    public bool TryGetByUsername(ReadOnlySpan<byte> username, out WebRtcServerRegistration registration)
    {
        registration = null!;
        var colon = username.IndexOf((byte)':');
        var ufrag = colon >= 0 ? username[..colon] : username;
        if (ufrag.IsEmpty || ufrag.Length > MaxUfragLength || ufrag.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxUfragLength];
        var count = Encoding.ASCII.GetChars(ufrag, chars);
        return _byUfragSpan.TryGetValue(chars[..count], out registration!);
    }
}
