using System.Text;
using Parley.Media.Net;
using Parley.Media.Stun;

namespace Parley.Media.Ice;

/// <summary>
/// The responder side of ICE for an ICE-lite endpoint (RFC 8445 §2.5, §7.3) with consent freshness as a
/// lite agent sees it (RFC 7675): it answers binding requests whose USERNAME is <c>localUfrag:remoteUfrag</c>
/// and whose MESSAGE-INTEGRITY is keyed with the local password, remembers every tuple that passed such a
/// check, selects the tuple the controlling peer nominates with USE-CANDIDATE (following it to a new tuple
/// after a network change), and declares the transport disconnected when no valid check arrived for the
/// consent timeout. Pure logic: no sockets and no clock of its own; time comes in as monotonic milliseconds.
/// Not thread-safe: its owner serializes calls (the WebRtcServer delivers packets under the registration's gate).
/// </summary>
internal sealed class IceLiteAgent
{
    /// <summary>RFC 7675 §5.1: consent expires 30 s after the last successful check.</summary>
    public static readonly TimeSpan DefaultConsentTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Bounded so that a peer with valid credentials cannot grow our state without limit.</summary>
    internal const int MaxValidatedTuples = 8;

    private const int ResponseBufferLength = 160;

    private readonly long _consentTimeoutMs;
    private readonly ValidatedTuple[] _tuples = new ValidatedTuple[MaxValidatedTuples];
    private int _tupleCount;
    private byte[] _localUfrag = [];
    private byte[] _passwordKey = [];
    private byte[]? _remoteUfrag;
    private TransportTuple _selected;
    private bool _hasSelected;

    public IceLiteAgent(IceParameters? localParameters = null, TimeSpan? consentTimeout = null)
    {
        _consentTimeoutMs = (long)(consentTimeout ?? DefaultConsentTimeout).TotalMilliseconds;
        SetLocalParameters(localParameters ?? IceParameters.Generate());
    }

    /// <summary>Raised after <see cref="State"/> changes.</summary>
    public event Action<IceState>? StateChanged;

    /// <summary>Raised when the selected tuple changes; null when none is left (disconnected or closed).</summary>
    public event Action<TransportTuple?>? SelectedTupleChanged;

    /// <summary>Raised when a tuple passes its first valid check: media from it may now be accepted.</summary>
    public event Action<TransportTuple>? TupleValidated;

    /// <summary>Raised when a tuple loses its validation (consent expired, or the agent closed).</summary>
    public event Action<TransportTuple>? TupleRemoved;

    public IceParameters LocalParameters { get; private set; } = null!;

    public string? RemoteUsernameFragment { get; private set; }

    public IceState State { get; private set; } = IceState.New;

    public TransportTuple? SelectedTuple => _hasSelected ? _selected : null;

    public int ValidatedTupleCount => _tupleCount;

    /// <summary>Sets the peer's ufrag from signaling; when set, USERNAME must match it exactly. Null accepts any.</summary>
    public void SetRemoteUsernameFragment(string? remoteUfrag)
    {
        RemoteUsernameFragment = remoteUfrag;
        _remoteUfrag = remoteUfrag is null ? null : Encoding.UTF8.GetBytes(remoteUfrag);
    }

    /// <summary>True if <paramref name="tuple"/> passed a valid check and its consent has not expired.</summary>
    public bool IsValidatedTuple(in TransportTuple tuple) => IndexOf(tuple) >= 0;

    /// <summary>Handles one STUN packet received from <paramref name="from"/>; responses go to <paramref name="sink"/>.</summary>
    public IceCheckResult ProcessStun(ReadOnlySpan<byte> packet, in TransportTuple from, long nowMilliseconds, IIceResponseSink sink)
    {
        if (State == IceState.Closed)
        {
            return IceCheckResult.Closed;
        }

        if (!StunMessage.TryParse(packet, out var request) || (request.HasFingerprint && !request.VerifyFingerprint()))
        {
            return IceCheckResult.Malformed;
        }

        if (request.Method != StunMethod.Binding || request.Class != StunClass.Request)
        {
            return IceCheckResult.Ignored;
        }

        // RFC 8489 §9.1.3: a request without the credentials is a 400, wrong credentials a 401, and neither
        // error may carry MESSAGE-INTEGRITY since the request could not be authenticated.
        if (!request.HasMessageIntegrity || !request.HasUsername)
        {
            SendError(request, from, StunErrorCode.BadRequest, authenticated: false, sink);
            return IceCheckResult.BadRequest;
        }

        if (!UsernameMatches(request.Username) || !request.VerifyMessageIntegrity(_passwordKey))
        {
            SendError(request, from, StunErrorCode.Unauthorized, authenticated: false, sink);
            return IceCheckResult.Unauthorized;
        }

        if (request.UnknownComprehensionRequiredCount > 0)
        {
            SendUnknownAttributes(request, from, sink);
            return IceCheckResult.UnknownAttribute;
        }

        // RFC 8445 §7.1.2: a connectivity check carries PRIORITY.
        if (!request.HasPriority)
        {
            SendError(request, from, StunErrorCode.BadRequest, authenticated: true, sink);
            return IceCheckResult.BadRequest;
        }

        // RFC 8445 §6.1.1: against a lite agent the full agent is controlling; one claiming to be controlled
        // is told so with 487 (§7.3.1.1) and switches roles.
        if (request.IceRole == StunIceRole.Controlled)
        {
            SendError(request, from, StunErrorCode.RoleConflict, authenticated: true, sink);
            return IceCheckResult.RoleConflict;
        }

        SendSuccess(request, from, sink);
        OnValidCheck(from, request.UseCandidate, nowMilliseconds);
        return IceCheckResult.Accepted;
    }

    /// <summary>Expires tuples whose last valid check is older than the consent timeout; call it about once a second.</summary>
    public void CheckConsent(long nowMilliseconds)
    {
        if (State == IceState.Closed)
        {
            return;
        }

        var selectedRemoved = false;
        for (var i = _tupleCount - 1; i >= 0; i--)
        {
            if (nowMilliseconds - _tuples[i].LastCheckMilliseconds < _consentTimeoutMs)
            {
                continue;
            }

            var removed = _tuples[i].Tuple;
            RemoveAt(i);
            selectedRemoved |= _hasSelected && removed == _selected;
            TupleRemoved?.Invoke(removed);
        }

        if (!selectedRemoved)
        {
            return;
        }

        if (_tupleCount > 0)
        {
            // Another tuple still has consent: keep media flowing on the freshest one.
            SelectTuple(_tuples[MostRecentIndex()].Tuple);
            return;
        }

        _hasSelected = false;
        SelectedTupleChanged?.Invoke(null);
        SetState(IceState.Disconnected);
    }

    /// <summary>ICE restart: new local credentials; checks with the old ones fail from now on. Validated tuples keep carrying media until their consent expires.</summary>
    public IceParameters Restart()
    {
        SetLocalParameters(IceParameters.Generate());
        SetRemoteUsernameFragment(null);
        return LocalParameters;
    }

    public void Close()
    {
        if (State == IceState.Closed)
        {
            return;
        }

        while (_tupleCount > 0)
        {
            var removed = _tuples[_tupleCount - 1].Tuple;
            RemoveAt(_tupleCount - 1);
            TupleRemoved?.Invoke(removed);
        }

        if (_hasSelected)
        {
            _hasSelected = false;
            SelectedTupleChanged?.Invoke(null);
        }

        SetState(IceState.Closed);
    }

    private void SetLocalParameters(IceParameters parameters)
    {
        if (parameters.UsernameFragment.Length < 4 || parameters.Password.Length < 22)
        {
            throw new ArgumentException("ICE ufrag must have at least 4 characters and password at least 22 (RFC 8839 §5.4).", nameof(parameters));
        }

        LocalParameters = parameters;
        _localUfrag = Encoding.UTF8.GetBytes(parameters.UsernameFragment);

        // Short-term credentials key HMAC with the password after OpaqueString, which leaves ice-chars unchanged.
        _passwordKey = Encoding.UTF8.GetBytes(parameters.Password);
    }

    private bool UsernameMatches(ReadOnlySpan<byte> username)
    {
        var colon = username.IndexOf((byte)':');
        if (colon < 0 || !username[..colon].SequenceEqual(_localUfrag))
        {
            return false;
        }

        var remote = username[(colon + 1)..];
        return _remoteUfrag is null ? remote.Length > 0 : remote.SequenceEqual(_remoteUfrag);
    }

    private void OnValidCheck(in TransportTuple from, bool nominated, long nowMilliseconds)
    {
        var index = IndexOf(from);
        if (index >= 0)
        {
            _tuples[index].LastCheckMilliseconds = nowMilliseconds;
        }
        else
        {
            AddTuple(from, nowMilliseconds);
        }

        if (nominated)
        {
            if (!_hasSelected || _selected != from)
            {
                SelectTuple(from);
            }

            SetState(IceState.Completed);
            return;
        }

        if (!_hasSelected)
        {
            // A lite agent may use a pair as soon as it is valid; nomination only confirms or moves it.
            SelectTuple(from);
        }

        if (State is IceState.New or IceState.Disconnected)
        {
            SetState(IceState.Connected);
        }
    }

    private void AddTuple(in TransportTuple tuple, long nowMilliseconds)
    {
        if (_tupleCount == MaxValidatedTuples)
        {
            var oldest = OldestUnselectedIndex();
            var evicted = _tuples[oldest].Tuple;
            RemoveAt(oldest);
            TupleRemoved?.Invoke(evicted);
        }

        _tuples[_tupleCount++] = new ValidatedTuple { Tuple = tuple, LastCheckMilliseconds = nowMilliseconds };
        TupleValidated?.Invoke(tuple);
    }

    private void SelectTuple(in TransportTuple tuple)
    {
        _selected = tuple;
        _hasSelected = true;
        SelectedTupleChanged?.Invoke(tuple);
    }

    private void SetState(IceState state)
    {
        if (State == state)
        {
            return;
        }

        State = state;
        StateChanged?.Invoke(state);
    }

    private int IndexOf(in TransportTuple tuple)
    {
        for (var i = 0; i < _tupleCount; i++)
        {
            if (_tuples[i].Tuple == tuple)
            {
                return i;
            }
        }

        return -1;
    }

    private int MostRecentIndex()
    {
        var best = 0;
        for (var i = 1; i < _tupleCount; i++)
        {
            if (_tuples[i].LastCheckMilliseconds > _tuples[best].LastCheckMilliseconds)
            {
                best = i;
            }
        }

        return best;
    }

    private int OldestUnselectedIndex()
    {
        var oldest = -1;
        for (var i = 0; i < _tupleCount; i++)
        {
            if ((!_hasSelected || _tuples[i].Tuple != _selected)
                && (oldest < 0 || _tuples[i].LastCheckMilliseconds < _tuples[oldest].LastCheckMilliseconds))
            {
                oldest = i;
            }
        }

        return oldest;
    }

    private void RemoveAt(int index)
    {
        _tuples[index] = _tuples[--_tupleCount];
        _tuples[_tupleCount] = default;
    }

    private void SendSuccess(in StunMessage request, in TransportTuple to, IIceResponseSink sink)
    {
        Span<byte> buffer = stackalloc byte[ResponseBufferLength];
        Span<byte> address = stackalloc byte[16];
        var addressLength = to.WriteAddressBytes(address);
        var writer = new StunWriter(buffer, StunClass.SuccessResponse, StunMethod.Binding, request.TransactionId);
        if (writer.TryAddXorMappedAddress(address[..addressLength], to.RemotePort)
            && writer.TryAddMessageIntegrity(_passwordKey)
            && writer.TryAddFingerprint())
        {
            sink.SendStunResponse(writer.Written, to);
        }
    }

    private void SendError(in StunMessage request, in TransportTuple to, int code, bool authenticated, IIceResponseSink sink)
    {
        Span<byte> buffer = stackalloc byte[ResponseBufferLength];
        var writer = new StunWriter(buffer, StunClass.ErrorResponse, StunMethod.Binding, request.TransactionId);
        if (writer.TryAddErrorCode(code)
            && (!authenticated || writer.TryAddMessageIntegrity(_passwordKey))
            && writer.TryAddFingerprint())
        {
            sink.SendStunResponse(writer.Written, to);
        }
    }

    private void SendUnknownAttributes(in StunMessage request, in TransportTuple to, IIceResponseSink sink)
    {
        Span<byte> buffer = stackalloc byte[ResponseBufferLength];
        Span<ushort> unknown = stackalloc ushort[4];
        var count = Math.Min(request.UnknownComprehensionRequiredCount, unknown.Length);
        for (var i = 0; i < count; i++)
        {
            unknown[i] = request.GetUnknownComprehensionRequired(i);
        }

        var writer = new StunWriter(buffer, StunClass.ErrorResponse, StunMethod.Binding, request.TransactionId);
        if (writer.TryAddErrorCode(StunErrorCode.UnknownAttribute)
            && writer.TryAddUnknownAttributes(unknown[..count])
            && writer.TryAddMessageIntegrity(_passwordKey)
            && writer.TryAddFingerprint())
        {
            sink.SendStunResponse(writer.Written, to);
        }
    }

    private struct ValidatedTuple
    {
        public TransportTuple Tuple;
        public long LastCheckMilliseconds;
    }
}
