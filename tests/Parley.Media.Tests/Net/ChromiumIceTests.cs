using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Tests.Browser;

namespace Parley.Media.Tests.Net;

/// <summary>
/// Headless Chromium (Debian's package) runs libwebrtc's ICE agent against our ICE-lite WebRtcServer: a page
/// makes an offer, we answer with a minimal hand-made SDP (ice-lite, our credentials and host candidate), and
/// the page reports the ICE connection state. DTLS is not part of this test, but Chromium's ClientHello must
/// reach the transport on the validated tuple.
/// </summary>
public sealed partial class ChromiumIceTests : IDisposable
{
    private const string Page = """
        <!doctype html><meta charset="utf-8"><title>ice</title><script>
        (async () => {
          const report = (result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) });
          try {
            const pc = new RTCPeerConnection();
            pc.createDataChannel('probe');
            await pc.setLocalDescription(await pc.createOffer());
            const answer = await (await fetch('/answer', { method: 'POST', body: pc.localDescription.sdp })).text();
            const reached = new Promise((resolve) => {
              const check = () => { if (['connected', 'completed'].includes(pc.iceConnectionState)) resolve(); };
              pc.addEventListener('iceconnectionstatechange', check);
              check();
            });
            await pc.setRemoteDescription({ type: 'answer', sdp: answer });
            await Promise.race([reached, new Promise((r) => setTimeout(r, 15000))]);
            await report({ iceConnectionState: pc.iceConnectionState });
          } catch (e) {
            await report({ error: String(e) });
          }
        })();
        </script>
        """;

    private readonly WebRtcServer _server;

    public ChromiumIceTests()
    {
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        _server.Start();
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Chromium_connects_ICE_to_our_lite_server_and_sends_DTLS_on_the_validated_tuple()
    {
        using var transport = new TestIceTransport(_server);
        var (result, offer) = await RunChromium(offer =>
        {
            // Knowing the remote ufrag makes the agent insist on it, as a WebRtcTransport will.
            lock (transport.Registration.Gate)
            {
                transport.Agent.SetRemoteUsernameFragment(IceUfragPattern().Match(offer).Groups[1].Value);
            }

            return Answer(transport.Parameters, _server.UdpPort);
        });

        Assert.True(result.TryGetProperty("iceConnectionState", out var state), result.ToString());
        Assert.Contains(state.GetString(), new[] { "connected", "completed" });
        Assert.Contains("a=ice-ufrag:", offer);
        Assert.Contains(transport.Read(a => a.State), new[] { IceState.Connected, IceState.Completed });
        var selected = transport.Read(a => a.SelectedTuple);
        Assert.NotNull(selected);
        Assert.Equal(TransportProtocol.Udp, selected.Value.Protocol);

        // setup:passive makes Chromium the DTLS client: its ClientHello arrives on the validated tuple.
        await WebRtcServerSocketTests.WaitUntil(() => transport.Media.Any(m => m.Kind == PacketKind.Dtls));
        var hello = transport.Media.First(m => m.Kind == PacketKind.Dtls);
        Assert.Equal(22, hello.Packet[0]); // handshake record
        Assert.True(transport.Read(a => a.IsValidatedTuple(hello.From)));
        Assert.Equal(0, transport.RefusedMedia);
    }

    private static string Answer(IceParameters ice, int port)
    {
        // Any well-formed SHA-256 fingerprint will do: the test stops before DTLS would check it.
        var fingerprint = string.Join(':', Enumerable.Range(0, 32).Select(i => (i * 7 % 256).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        var candidate = IceCandidate.CreateHost(TransportProtocol.Udp, "127.0.0.1", port);
        return string.Join("\r\n",
            "v=0",
            "o=- 1 1 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=ice-lite",
            "a=group:BUNDLE 0",
            "a=msid-semantic: WMS",
            $"m=application {port} UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 127.0.0.1",
            "a=mid:0",
            $"a=ice-ufrag:{ice.UsernameFragment}",
            $"a=ice-pwd:{ice.Password}",
            "a=ice-options:renomination",
            $"a=fingerprint:sha-256 {fingerprint}",
            "a=setup:passive",
            "a=sctp-port:5000",
            "a=max-message-size:262144",
            $"a=candidate:{candidate.Foundation} 1 udp {candidate.Priority} {candidate.Ip} {candidate.Port} typ host",
            "a=end-of-candidates",
            string.Empty);
    }

    private static async Task<(JsonElement Result, string Offer)> RunChromium(Func<string, string> answerFor)
    {
        var offer = string.Empty;
        var result = await HeadlessChromium.RunPageAsync(
            Page,
            (path, body) => path == "/answer" ? answerFor(offer = body) : string.Empty,
            TimeSpan.FromSeconds(60));
        return (result, offer);
    }

    [GeneratedRegex(@"a=ice-ufrag:(\S+)")]
    private static partial Regex IceUfragPattern();
}
