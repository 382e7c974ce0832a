using System.Net;
using System.Text;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Stun;
using Parley.Media.Tests.Stun;

namespace Parley.Media.Tests.Ice;

public class IceLiteAgentTests
{
    private static readonly TransportTuple PeerA = StunChecks.Udp("192.0.2.10", 50000);
    private static readonly TransportTuple PeerB = StunChecks.Udp("2001:db8::20", 50002);

    private readonly IceLiteAgent _agent = new();
    private readonly RecordingSink _sink = new();
    private readonly List<string> _events = [];

    public IceLiteAgentTests()
    {
        _agent.StateChanged += s => _events.Add($"state:{s}");
        _agent.SelectedTupleChanged += t => _events.Add($"selected:{(t.HasValue ? t.Value.RemotePort : 0)}");
        _agent.TupleValidated += t => _events.Add($"validated:{t.RemotePort}");
        _agent.TupleRemoved += t => _events.Add($"removed:{t.RemotePort}");
    }

    private byte[] LocalKey => Encoding.UTF8.GetBytes(_agent.LocalParameters.Password);

    [Theory]
    [InlineData("192.0.2.10", 50000)]
    [InlineData("2001:db8::20", 50002)]
    public void Valid_check_gets_a_success_response_the_peer_can_verify(string address, int port)
    {
        var from = StunChecks.Udp(address, port);
        var transactionId = Convert.FromHexString("00112233445566778899aabb");
        var request = StunChecks.BindingRequest($"{_agent.LocalParameters.UsernameFragment}:peer", _agent.LocalParameters.Password, transactionId: transactionId);

        Assert.Equal(IceCheckResult.Accepted, _agent.ProcessStun(request, from, 0, _sink));

        var (response, to) = Assert.Single(_sink.Sent);
        Assert.Equal(from, to);
        Assert.True(StunMessage.TryParse(response, out var message));
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.Equal(StunMethod.Binding, message.Method);
        Assert.Equal(transactionId, message.TransactionId.ToArray());
        Assert.True(message.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), mapped);
        Assert.True(message.VerifyMessageIntegrity(LocalKey));
        Assert.True(message.VerifyFingerprint());
        Assert.Equal(IceState.Connected, _agent.State);
        Assert.Equal(from, _agent.SelectedTuple);
        Assert.True(_agent.IsValidatedTuple(from));
    }

    [Fact]
    public void First_valid_check_reports_validation_selection_then_state()
    {
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters), PeerA, 0, _sink);
        Assert.Equal(["validated:50000", "selected:50000", "state:Connected"], _events);
    }

    [Fact]
    public void Check_with_wrong_ufrag_is_answered_401_without_integrity()
    {
        var request = StunChecks.BindingRequest("nobody:peer", _agent.LocalParameters.Password);
        Assert.Equal(IceCheckResult.Unauthorized, _agent.ProcessStun(request, PeerA, 0, _sink));
        AssertError(_sink.Last, 401, integrity: false);
        Assert.Equal(IceState.New, _agent.State);
        Assert.False(_agent.IsValidatedTuple(PeerA));
    }

    [Fact]
    public void Check_with_wrong_password_is_answered_401()
    {
        var request = StunChecks.BindingRequest($"{_agent.LocalParameters.UsernameFragment}:peer", "this-is-not-the-password-at-all");
        Assert.Equal(IceCheckResult.Unauthorized, _agent.ProcessStun(request, PeerA, 0, _sink));
        AssertError(_sink.Last, 401, integrity: false);
        Assert.False(_agent.IsValidatedTuple(PeerA));
    }

    [Fact]
    public void Username_without_remote_part_or_colon_is_401()
    {
        var local = _agent.LocalParameters;
        Assert.Equal(IceCheckResult.Unauthorized, _agent.ProcessStun(StunChecks.BindingRequest(local.UsernameFragment, local.Password), PeerA, 0, _sink));
        Assert.Equal(IceCheckResult.Unauthorized, _agent.ProcessStun(StunChecks.BindingRequest(local.UsernameFragment + ":", local.Password), PeerA, 0, _sink));
    }

    [Fact]
    public void Known_remote_ufrag_must_match()
    {
        _agent.SetRemoteUsernameFragment("them");
        Assert.Equal(IceCheckResult.Unauthorized, _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, "other"), PeerA, 0, _sink));
        Assert.Equal(IceCheckResult.Accepted, _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, "them"), PeerA, 0, _sink));
    }

    [Fact]
    public void Check_without_integrity_or_username_is_400()
    {
        var local = _agent.LocalParameters;
        Assert.Equal(IceCheckResult.BadRequest, _agent.ProcessStun(StunChecks.BindingRequest($"{local.UsernameFragment}:p", local.Password, integrity: false), PeerA, 0, _sink));
        AssertError(_sink.Last, 400, integrity: false);
        Assert.Equal(IceCheckResult.BadRequest, _agent.ProcessStun(StunChecks.BindingRequest(string.Empty, local.Password), PeerA, 0, _sink));
        AssertError(_sink.Last, 400, integrity: false);
        Assert.Equal(IceState.New, _agent.State);
    }

    [Fact]
    public void Authenticated_check_without_priority_is_400_with_integrity()
    {
        var local = _agent.LocalParameters;
        Assert.Equal(IceCheckResult.BadRequest, _agent.ProcessStun(StunChecks.BindingRequest($"{local.UsernameFragment}:p", local.Password, priority: false), PeerA, 0, _sink));
        AssertError(_sink.Last, 400, integrity: true);
        Assert.False(_agent.IsValidatedTuple(PeerA));
    }

    [Fact]
    public void RFC_5769_sample_request_claims_controlled_and_gets_487()
    {
        var agent = new IceLiteAgent(new IceParameters("evtj", Rfc5769Vectors.Password));
        agent.SetRemoteUsernameFragment("h6vY");
        Assert.Equal(IceCheckResult.RoleConflict, agent.ProcessStun(Rfc5769Vectors.SampleRequest, PeerA, 0, _sink));
        Assert.True(StunMessage.TryParse(_sink.Last, out var response));
        Assert.Equal(Rfc5769Vectors.TransactionId, response.TransactionId.ToArray());
        AssertError(_sink.Last, 487, integrity: true, key: Encoding.UTF8.GetBytes(Rfc5769Vectors.Password));
        Assert.Equal(IceState.New, agent.State);
    }

    [Fact]
    public void Check_without_role_attribute_is_accepted()
    {
        var local = _agent.LocalParameters;
        var request = StunChecks.BindingRequest($"{local.UsernameFragment}:p", local.Password, role: StunIceRole.None);
        Assert.Equal(IceCheckResult.Accepted, _agent.ProcessStun(request, PeerA, 0, _sink));
    }

    [Fact]
    public void Unknown_comprehension_required_attribute_is_420_listing_it()
    {
        var local = _agent.LocalParameters;
        var request = StunChecks.BindingRequest($"{local.UsernameFragment}:p", local.Password, extraAttribute: 0x0031);
        Assert.Equal(IceCheckResult.UnknownAttribute, _agent.ProcessStun(request, PeerA, 0, _sink));
        AssertError(_sink.Last, 420, integrity: true);
        Assert.Equal(Convert.FromHexString("000a0002" + "00310000"), _sink.Last.AsSpan(20 + 28, 8).ToArray());
    }

    [Fact]
    public void Unknown_comprehension_optional_attribute_is_ignored()
    {
        var local = _agent.LocalParameters;
        var request = StunChecks.BindingRequest($"{local.UsernameFragment}:p", local.Password, extraAttribute: StunAttributeType.GoogNetworkInfo);
        Assert.Equal(IceCheckResult.Accepted, _agent.ProcessStun(request, PeerA, 0, _sink));
    }

    [Fact]
    public void Wrong_fingerprint_is_dropped_silently()
    {
        var request = StunChecks.Check(_agent.LocalParameters);
        request[^1] ^= 1;
        Assert.Equal(IceCheckResult.Malformed, _agent.ProcessStun(request, PeerA, 0, _sink));
        Assert.Empty(_sink.Sent);
    }

    [Fact]
    public void Responses_and_indications_are_ignored()
    {
        Assert.Equal(IceCheckResult.Ignored, _agent.ProcessStun(Rfc5769Vectors.SampleIPv4Response, PeerA, 0, _sink));
        var indication = new byte[20];
        var writer = new StunWriter(indication, StunClass.Indication, StunMethod.Binding, new byte[12]);
        Assert.Equal(IceCheckResult.Ignored, _agent.ProcessStun(writer.Written, PeerA, 0, _sink));
        Assert.Empty(_sink.Sent);
        Assert.Equal(IceState.New, _agent.State);
    }

    [Fact]
    public void Use_candidate_nominates_and_completes()
    {
        Assert.Equal(IceCheckResult.Accepted, _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerA, 0, _sink));
        Assert.Equal(IceState.Completed, _agent.State);
        Assert.Equal(PeerA, _agent.SelectedTuple);
        Assert.Equal(["validated:50000", "selected:50000", "state:Completed"], _events);
    }

    [Fact]
    public void Regular_nomination_goes_connected_then_completed()
    {
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters), PeerA, 0, _sink);
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerA, 10, _sink);
        Assert.Equal(IceState.Completed, _agent.State);
        Assert.Equal(["validated:50000", "selected:50000", "state:Connected", "state:Completed"], _events);
    }

    [Fact]
    public void Follows_the_peer_when_it_nominates_a_new_tuple()
    {
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerA, 0, _sink);

        // A plain check from another tuple validates it but does not move the selection.
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters), PeerB, 100, _sink);
        Assert.Equal(PeerA, _agent.SelectedTuple);
        Assert.True(_agent.IsValidatedTuple(PeerB));

        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerB, 200, _sink);
        Assert.Equal(PeerB, _agent.SelectedTuple);
        Assert.Equal(IceState.Completed, _agent.State);
        Assert.Contains("selected:50002", _events);
    }

    [Fact]
    public void Consent_expires_after_30_seconds_without_a_valid_check()
    {
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerA, 1_000, _sink);
        _agent.CheckConsent(30_999);
        Assert.Equal(IceState.Completed, _agent.State);

        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters), PeerA, 20_000, _sink);
        _agent.CheckConsent(49_999);
        Assert.Equal(IceState.Completed, _agent.State);
        Assert.True(_agent.IsValidatedTuple(PeerA));

        _agent.CheckConsent(50_000);
        Assert.Equal(IceState.Disconnected, _agent.State);
        Assert.Null(_agent.SelectedTuple);
        Assert.False(_agent.IsValidatedTuple(PeerA));
        Assert.Equal(["removed:50000", "selected:0", "state:Disconnected"], _events[^3..]);
    }

    [Fact]
    public void Invalid_checks_do_not_refresh_consent()
    {
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerA, 0, _sink);
        _agent.ProcessStun(StunChecks.BindingRequest($"{_agent.LocalParameters.UsernameFragment}:p", "wrong-password-wrong-password"), PeerA, 20_000, _sink);
        _agent.CheckConsent(30_000);
        Assert.Equal(IceState.Disconnected, _agent.State);
    }

    [Fact]
    public void Valid_check_after_disconnect_reconnects()
    {
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerA, 0, _sink);
        _agent.CheckConsent(30_000);
        Assert.Equal(IceState.Disconnected, _agent.State);

        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters), PeerB, 31_000, _sink);
        Assert.Equal(IceState.Connected, _agent.State);
        Assert.Equal(PeerB, _agent.SelectedTuple);
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerB, 31_100, _sink);
        Assert.Equal(IceState.Completed, _agent.State);
    }

    [Fact]
    public void When_the_selected_tuple_expires_a_fresh_one_takes_over()
    {
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerA, 0, _sink);
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters), PeerB, 20_000, _sink);
        _agent.CheckConsent(30_000);
        Assert.Equal(PeerB, _agent.SelectedTuple);
        Assert.Equal(IceState.Completed, _agent.State);
        Assert.False(_agent.IsValidatedTuple(PeerA));
    }

    [Fact]
    public void Restart_makes_new_credentials_and_old_ones_stop_working()
    {
        var old = _agent.LocalParameters;
        _agent.SetRemoteUsernameFragment("peer");
        _agent.ProcessStun(StunChecks.Check(old, useCandidate: true), PeerA, 0, _sink);

        var fresh = _agent.Restart();
        Assert.NotEqual(old.UsernameFragment, fresh.UsernameFragment);
        Assert.NotEqual(old.Password, fresh.Password);
        Assert.Null(_agent.RemoteUsernameFragment);

        Assert.Equal(IceCheckResult.Unauthorized, _agent.ProcessStun(StunChecks.Check(old), PeerA, 100, _sink));
        Assert.Equal(IceCheckResult.Accepted, _agent.ProcessStun(StunChecks.Check(fresh, "newpeer"), PeerA, 200, _sink));
        Assert.True(StunMessage.TryParse(_sink.Last, out var response));
        Assert.True(response.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(fresh.Password)));
        Assert.Equal(PeerA, _agent.SelectedTuple);
    }

    [Fact]
    public void Close_removes_everything_and_answers_nothing()
    {
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerA, 0, _sink);
        _agent.Close();
        Assert.Equal(IceState.Closed, _agent.State);
        Assert.Null(_agent.SelectedTuple);
        Assert.False(_agent.IsValidatedTuple(PeerA));
        var before = _sink.Sent.Count;
        Assert.Equal(IceCheckResult.Closed, _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters), PeerA, 1, _sink));
        Assert.Equal(before, _sink.Sent.Count);
        _agent.CheckConsent(1_000_000);
        Assert.Equal(IceState.Closed, _agent.State);
    }

    [Fact]
    public void Validated_tuples_are_bounded_and_the_selected_one_is_kept()
    {
        _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters, useCandidate: true), PeerA, 0, _sink);
        for (var i = 1; i <= IceLiteAgent.MaxValidatedTuples + 3; i++)
        {
            _agent.ProcessStun(StunChecks.Check(_agent.LocalParameters), StunChecks.Udp("198.51.100.1", 1000 + i), i, _sink);
        }

        Assert.Equal(IceLiteAgent.MaxValidatedTuples, _agent.ValidatedTupleCount);
        Assert.True(_agent.IsValidatedTuple(PeerA));
        Assert.Equal(PeerA, _agent.SelectedTuple);
        Assert.False(_agent.IsValidatedTuple(StunChecks.Udp("198.51.100.1", 1001)));
        Assert.True(_agent.IsValidatedTuple(StunChecks.Udp("198.51.100.1", 1000 + IceLiteAgent.MaxValidatedTuples + 3)));
    }

    [Fact]
    public void Short_credentials_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new IceLiteAgent(new IceParameters("abc", new string('x', 22))));
        Assert.Throws<ArgumentException>(() => new IceLiteAgent(new IceParameters("abcd", new string('x', 21))));
    }

    private void AssertError(byte[] response, int code, bool integrity, byte[]? key = null)
    {
        Assert.True(StunMessage.TryParse(response, out var message));
        Assert.Equal(StunClass.ErrorResponse, message.Class);
        Assert.True(message.TryGetErrorCode(out var actual, out _));
        Assert.Equal(code, actual);
        Assert.Equal(integrity, message.HasMessageIntegrity);
        if (integrity)
        {
            Assert.True(message.VerifyMessageIntegrity(key ?? LocalKey));
        }

        Assert.True(message.VerifyFingerprint());
    }
}

public class IceLiteAgentPropertyTests
{
    [FsCheck.Xunit.Property(MaxTest = 500)]
    public void Random_packets_never_throw_and_never_validate(byte[] data)
    {
        var agent = new IceLiteAgent();
        var sink = new RecordingSink();
        var result = agent.ProcessStun(data, StunChecks.Udp("192.0.2.3", 3), 0, sink);
        Assert.NotEqual(IceCheckResult.Accepted, result);
        Assert.Equal(IceState.New, agent.State);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public void A_valid_check_with_any_flipped_bit_is_never_accepted(FsCheck.PositiveInt bitSeed)
    {
        var agent = new IceLiteAgent();
        var request = StunChecks.Check(agent.LocalParameters, useCandidate: true);
        var bit = bitSeed.Get % (request.Length * 8);
        request[bit / 8] ^= (byte)(1 << (bit % 8));
        Assert.NotEqual(IceCheckResult.Accepted, agent.ProcessStun(request, StunChecks.Udp("192.0.2.3", 3), 0, new RecordingSink()));
    }
}
