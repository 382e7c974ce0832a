using Parley.Media.Dtls;
using Parley.Media.Srtp;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsTransportHandshakeTests
{
    [Fact]
    public async Task Handshake_completes_and_both_sides_derive_the_same_srtp_keys()
    {
        using var pipe = new DtlsPipe();

        await pipe.ConnectAsync();

        DtlsSrtpKeys server = pipe.Server.SrtpKeys!;
        DtlsSrtpKeys client = pipe.Client.SrtpKeys!;
        Assert.Equal(SrtpProfile.AeadAes256Gcm, server.Profile);
        Assert.Equal(SrtpProfile.AeadAes256Gcm, client.Profile);
        Assert.Equal(32, client.LocalMasterKey.Length);
        Assert.Equal(12, client.LocalMasterSalt.Length);
        Assert.Equal(client.LocalMasterKey.ToArray(), server.RemoteMasterKey.ToArray());
        Assert.Equal(client.LocalMasterSalt.ToArray(), server.RemoteMasterSalt.ToArray());
        Assert.Equal(server.LocalMasterKey.ToArray(), client.RemoteMasterKey.ToArray());
        Assert.Equal(server.LocalMasterSalt.ToArray(), client.RemoteMasterSalt.ToArray());
        Assert.NotEqual(client.LocalMasterKey.ToArray(), client.RemoteMasterKey.ToArray());
        Assert.Equal([DtlsState.Connecting, DtlsState.Connected], pipe.ServerStates.States);
        Assert.Equal([DtlsState.Connecting, DtlsState.Connected], pipe.ClientStates.States);
    }

    [Fact]
    public async Task Each_side_learns_the_peers_certificate()
    {
        using var pipe = new DtlsPipe();

        await pipe.ConnectAsync();

        Assert.Equal(TestCertificates.Client.RawData.ToArray(), pipe.Server.RemoteCertificate!.Value.ToArray());
        Assert.Equal(TestCertificates.Server.RawData.ToArray(), pipe.Client.RemoteCertificate!.Value.ToArray());
    }

    [Fact]
    public async Task Two_handshakes_export_different_keys()
    {
        using var first = new DtlsPipe();
        using var second = new DtlsPipe();

        await first.ConnectAsync();
        await second.ConnectAsync();

        Assert.NotEqual(first.Client.SrtpKeys!.LocalMasterKey.ToArray(), second.Client.SrtpKeys!.LocalMasterKey.ToArray());
    }

    [Theory]
    [InlineData(SrtpProfile.AeadAes256Gcm)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_32)]
    public async Task A_client_offering_one_profile_gets_that_profile(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var pipe = new DtlsPipe(clientOptions: new DtlsTransportOptions { SrtpProfiles = [profile] });

        await pipe.ConnectAsync();

        Assert.Equal(profile, pipe.Server.SrtpKeys!.Profile);
        Assert.Equal(profile, pipe.Client.SrtpKeys!.Profile);
        Assert.Equal(SrtpProfileInfo.MasterKeyLength(profile), pipe.Client.SrtpKeys.LocalMasterKey.Length);
        Assert.Equal(SrtpProfileInfo.MasterSaltLength(profile), pipe.Client.SrtpKeys.LocalMasterSalt.Length);
        Assert.Equal(pipe.Client.SrtpKeys.LocalMasterKey.ToArray(), pipe.Server.SrtpKeys.RemoteMasterKey.ToArray());
    }

    [Theory]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_32)]
    public async Task A_server_accepting_one_profile_picks_it_from_the_full_offer(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        using var pipe = new DtlsPipe(serverOptions: new DtlsTransportOptions { SrtpProfiles = [profile] });

        await pipe.ConnectAsync();

        Assert.Equal(profile, pipe.Client.SrtpKeys!.Profile);
    }

    [Fact]
    public async Task No_common_srtp_profile_fails_both_sides()
    {
        using var pipe = new DtlsPipe(
            serverOptions: new DtlsTransportOptions { SrtpProfiles = [SrtpProfile.AeadAes256Gcm] },
            clientOptions: new DtlsTransportOptions { SrtpProfiles = [SrtpProfile.AesCm128HmacSha1_80] });

        pipe.Start();

        string? reason = await pipe.ServerStates.WaitForAsync(DtlsState.Failed);
        await pipe.ClientStates.WaitForAsync(DtlsState.Failed);
        Assert.Contains("SRTP profile", reason);
        Assert.Null(pipe.Server.SrtpKeys);
    }

    [Fact]
    public async Task Server_fails_with_an_alert_when_the_clients_certificate_does_not_match_its_fingerprint()
    {
        using var pipe = new DtlsPipe();

        pipe.Start(serverExpects: [TestCertificates.Stranger.Sha256Fingerprint]);

        string? serverReason = await pipe.ServerStates.WaitForAsync(DtlsState.Failed);
        string? clientReason = await pipe.ClientStates.WaitForAsync(DtlsState.Failed);
        Assert.Contains("fingerprint", serverReason);
        Assert.Contains("bad_certificate", clientReason);
        Assert.DoesNotContain(DtlsState.Connected, pipe.ServerStates.States);
        Assert.Null(pipe.Server.SrtpKeys);
    }

    [Fact]
    public async Task Client_fails_when_the_servers_certificate_does_not_match_its_fingerprint()
    {
        using var pipe = new DtlsPipe();

        pipe.Start(clientExpects: [TestCertificates.Stranger.GetFingerprint("sha-512")]);

        string? clientReason = await pipe.ClientStates.WaitForAsync(DtlsState.Failed);
        await pipe.ServerStates.WaitForAsync(DtlsState.Failed);
        Assert.Contains("fingerprint", clientReason);
        Assert.Null(pipe.Client.SrtpKeys);
    }

    [Theory]
    [InlineData("sha-1")]
    [InlineData("sha-224")]
    [InlineData("sha-384")]
    [InlineData("sha-512")]
    public async Task Any_supported_fingerprint_algorithm_authenticates_the_peer(string algorithm)
    {
        using var pipe = new DtlsPipe();

        pipe.Start(
            serverExpects: [TestCertificates.Stranger.Sha256Fingerprint, TestCertificates.Client.GetFingerprint(algorithm)],
            clientExpects: [TestCertificates.Server.GetFingerprint(algorithm)]);

        await pipe.ServerStates.WaitForAsync(DtlsState.Connected);
        await pipe.ClientStates.WaitForAsync(DtlsState.Connected);
    }

    [Fact]
    public async Task Start_with_remote_parameters_takes_the_opposite_role()
    {
        using var pipe = new DtlsPipe();

        pipe.Server.Start(TestCertificates.Client.ToParameters(DtlsRole.Client));
        pipe.Client.Start(TestCertificates.Server.ToParameters(DtlsRole.Server));

        await pipe.ServerStates.WaitForAsync(DtlsState.Connected);
        await pipe.ClientStates.WaitForAsync(DtlsState.Connected);
        Assert.Equal(DtlsRole.Server, pipe.Server.Role);
        Assert.Equal(DtlsRole.Client, pipe.Client.Role);
    }

    [Fact]
    public void Starting_twice_is_refused()
    {
        using var pipe = new DtlsPipe();
        pipe.Start();

        Assert.Throws<InvalidOperationException>(() => pipe.Server.Start(DtlsRole.Server, TestCertificates.Client.Fingerprints));
    }

    [Fact]
    public void Starting_needs_a_concrete_role_and_a_fingerprint()
    {
        using var transport = new DtlsTransport(TestCertificates.Server, _ => { });

        Assert.Throws<ArgumentOutOfRangeException>(() => transport.Start(DtlsRole.Auto, TestCertificates.Client.Fingerprints));
        Assert.Throws<ArgumentException>(() => transport.Start(DtlsRole.Server, []));
        Assert.Equal(DtlsState.New, transport.State);
    }

    [Fact]
    public async Task A_handshake_without_answers_times_out_and_fails()
    {
        var options = new DtlsTransportOptions
        {
            HandshakeTimeout = TimeSpan.FromMilliseconds(800),
            InitialRetransmitTimeout = TimeSpan.FromMilliseconds(100),
        };
        int sent = 0;
        using var client = new DtlsTransport(TestCertificates.Client, _ => Interlocked.Increment(ref sent), options);
        var states = StateRecorder.Attach(client);

        client.Start(DtlsRole.Client, TestCertificates.Server.Fingerprints);

        string? reason = await states.WaitForAsync(DtlsState.Failed);
        Assert.Contains("timed out", reason);
        Assert.True(Volatile.Read(ref sent) >= 2, "The ClientHello should have been retransmitted.");
    }

    [Fact]
    public void Local_parameters_announce_auto_and_our_fingerprints()
    {
        using var transport = new DtlsTransport(TestCertificates.Server, _ => { });

        Assert.Equal(DtlsRole.Auto, transport.LocalParameters.Role);
        Assert.Contains(TestCertificates.Server.Sha256Fingerprint, transport.LocalParameters.Fingerprints);
    }
}
