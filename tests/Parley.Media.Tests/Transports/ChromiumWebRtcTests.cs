using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Net;
using Parley.Media.Rtcp;
using Parley.Media.Rtp;
using Parley.Media.Srtp;
using Parley.Media.Tests.Browser;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Transports;

/// <summary>
/// Headless Chromium sends its fake camera and microphone to a <see cref="WebRtcConnection"/> from a hand-made
/// SDP answer (ice-lite, our credentials, candidate and fingerprint, setup:passive): ICE connects, DTLS completes
/// with Chromium as client, and the connection decrypts Chromium's SRTP and SRTCP into valid RTP and RTCP.
/// It also echoes the media back under SSRCs of its own: Chromium's receive statistics count the packets only
/// if our SRTP authenticated and decrypted in libwebrtc.
/// </summary>
public sealed partial class ChromiumWebRtcTests : IDisposable
{
    private const string Page = """
        <!doctype html><meta charset="utf-8"><title>media</title><script>
        (async () => {
          const report = (result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) });
          try {
            const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
            const pc = new RTCPeerConnection();
            for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendrecv', streams: [stream] });
            await pc.setLocalDescription(await pc.createOffer());
            const answer = await (await fetch('/answer', { method: 'POST', body: pc.localDescription.sdp })).text();
            await pc.setRemoteDescription({ type: 'answer', sdp: answer });
            const inbound = {};
            const deadline = Date.now() + 20000;
            while (Date.now() < deadline) {
              const status = await (await fetch('/status', { method: 'POST', body: '' })).text();
              (await pc.getStats()).forEach((r) => {
                if (r.type === 'inbound-rtp') inbound[r.kind] = { ssrc: r.ssrc, packetsReceived: r.packetsReceived, framesDecoded: r.framesDecoded };
              });
              if (status === 'done' && inbound.audio?.packetsReceived > 0 && inbound.video?.packetsReceived > 0) break;
              await new Promise((r) => setTimeout(r, 200));
            }
            await report({ connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState, inbound });
          } catch (e) {
            await report({ error: String(e) });
          }
        })();
        </script>
        """;

    private readonly WebRtcServer _server;
    private readonly Parley.Media.Routing.Worker _worker = TestWorkers.Create("chromium-webrtc-tests");
    private readonly ConcurrentQueue<byte[]> _rtp = new();
    private readonly ConcurrentQueue<byte[]> _rtcp = new();
    private WebRtcConnection _connection = null!;

    public ChromiumWebRtcTests()
    {
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        _server.Start();
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _server.Dispose();
        _worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(SrtpProfile.AeadAes256Gcm)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    public async Task Chromium_sends_camera_and_microphone_that_we_decrypt_into_valid_rtp_and_rtcp(object profileCase)
    {
        var profile = (SrtpProfile)profileCase;
        // Offering Chromium one profile at a time checks each against libwebrtc's SRTP. Chromium no longer
        // offers AES_CM_128_HMAC_SHA1_32 for DTLS-SRTP (the handshake fails), so libsrtp covers that profile.
        _connection = new WebRtcConnection(_server, _worker, Dtls.TestCertificates.Server, new WebRtcConnectionOptions
        {
            Dtls = new DtlsTransportOptions { SrtpProfiles = [profile] },
        });
        var offered = new OfferedMedia();
        _connection.RtpReceived += (packet, _) =>
        {
            _rtp.Enqueue(packet.ToArray());
            Echo(packet, offered);
        };
        _connection.RtcpReceived += (packet, _) => _rtcp.Enqueue(packet.ToArray());
        var result = await RunChromium(
            offer =>
            {
                offered.ParseFrom(offer);
                var remote = new DtlsParameters
                {
                    Role = DtlsRole.Client,
                    Fingerprints = [new DtlsFingerprint("sha-256", FingerprintPattern().Match(offer).Groups[1].Value)],
                };
                _worker.InvokeAsync(() => _connection.Connect(remote)).GetAwaiter().GetResult();
                return Answer(offered);
            },
            () => HasEnough(offered));

        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal("connected", result.GetProperty("connectionState").GetString());
        Assert.Contains(_connection.IceState, new[] { IceState.Connected, IceState.Completed });
        Assert.Equal(DtlsState.Connected, _connection.DtlsState);
        Assert.Equal(profile, _connection.SrtpProfile);

        Assert.True(HasEnough(offered), $"RTP {_rtp.Count}, RTCP {_rtcp.Count}, drops: {Drops()}");
        foreach (var bytes in _rtp)
        {
            Assert.True(RtpPacket.TryParse(bytes, out var packet));
            Assert.Contains(packet.Ssrc, offered.Ssrcs);
            Assert.Contains(packet.PayloadType, new[] { offered.OpusPayloadType, offered.Vp8PayloadType });
        }

        Assert.Contains(_rtp, p => RtpPacket.TryParse(p, out var packet) && packet.PayloadType == offered.OpusPayloadType);
        Assert.Contains(_rtp, p => RtpPacket.TryParse(p, out var packet) && packet.PayloadType == offered.Vp8PayloadType);
        foreach (var bytes in _rtcp)
        {
            Assert.True(RtcpCompoundReader.IsValid(bytes), Convert.ToHexString(bytes));
        }

        // Chromium's sender reports and its receiver-side feedback carry its offered SSRCs as sender SSRC.
        Assert.Contains(_rtcp, p => offered.Ssrcs.Contains(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4))));

        // Our echo, protected by our send context, reached Chromium's decoders' inputs under our SSRCs.
        var inbound = result.GetProperty("inbound");
        Assert.Equal(EchoAudioSsrc, inbound.GetProperty("audio").GetProperty("ssrc").GetUInt32());
        Assert.Equal(EchoVideoSsrc, inbound.GetProperty("video").GetProperty("ssrc").GetUInt32());
        Assert.True(inbound.GetProperty("audio").GetProperty("packetsReceived").GetInt32() > 0, inbound.ToString());
        Assert.True(inbound.GetProperty("video").GetProperty("packetsReceived").GetInt32() > 0, inbound.ToString());

        Assert.Equal(0, _connection.Counters.Dropped(WebRtcDropReason.SrtpAuthenticationFailed));
        Assert.Equal(0, _connection.Counters.Dropped(WebRtcDropReason.UnvalidatedTuple));
    }

    private const uint EchoAudioSsrc = 0x0A0D10;
    private const uint EchoVideoSsrc = 0x0B1DE0;

    /// <summary>Sends a received packet back to Chromium as if it were ours: same payload, our SSRC.</summary>
    private void Echo(Span<byte> packet, OfferedMedia offered)
    {
        if (!RtpPacket.TryParse(packet, out var parsed) || offered.OpusPayloadType == 0)
            return;
        var ssrc = parsed.PayloadType == offered.OpusPayloadType ? EchoAudioSsrc : EchoVideoSsrc;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(8), ssrc);
        _connection.SendRtp(packet);
    }

    private bool HasEnough(OfferedMedia offered) =>
        _rtcp.Count >= 1
        && _rtp.Any(p => RtpPacket.TryParse(p, out var packet) && packet.PayloadType == offered.OpusPayloadType)
        && _rtp.Count(p => RtpPacket.TryParse(p, out var packet) && packet.PayloadType == offered.Vp8PayloadType) >= 5;

    private string Drops() => string.Join(", ", Enum.GetValues<WebRtcDropReason>().Select(r => $"{r}={_connection.Counters.Dropped(r)}"));

    private string Answer(OfferedMedia offered)
    {
        var ice = _connection.IceParameters;
        var fingerprint = _connection.DtlsParameters.Fingerprints.First(f => f.Algorithm == "sha-256").Value;
        var candidate = _connection.IceCandidates.First(c => c.Protocol == "udp");
        var lines = new List<string>
        {
            "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=ice-lite",
            $"a=group:BUNDLE {offered.AudioMid} {offered.VideoMid}", "a=msid-semantic: WMS",
        };
        foreach (var (mid, kind, payloadType, rtpmap, ssrc) in new[]
        {
            (offered.AudioMid, "audio", offered.OpusPayloadType, "opus/48000/2", EchoAudioSsrc),
            (offered.VideoMid, "video", offered.Vp8PayloadType, "VP8/90000", EchoVideoSsrc),
        })
        {
            lines.AddRange(
            [
                $"m={kind} {candidate.Port} UDP/TLS/RTP/SAVPF {payloadType}",
                "c=IN IP4 127.0.0.1",
                $"a=mid:{mid}",
                $"a=ice-ufrag:{ice.UsernameFragment}",
                $"a=ice-pwd:{ice.Password}",
                $"a=fingerprint:sha-256 {fingerprint}",
                "a=setup:passive",
                "a=sendrecv",
                $"a=msid:parley-echo parley-{kind}",
                "a=rtcp-mux",
                "a=rtcp-rsize",
                $"a=rtpmap:{payloadType} {rtpmap}",
                $"a=ssrc:{ssrc} cname:parley-echo",
                $"a=candidate:{candidate.Foundation} 1 udp {candidate.Priority} {candidate.Ip} {candidate.Port} typ host",
                "a=end-of-candidates",
            ]);
        }

        lines.Add(string.Empty);
        return string.Join("\r\n", lines);
    }

    private static Task<JsonElement> RunChromium(Func<string, string> answerFor, Func<bool> done) =>
        HeadlessChromium.RunPageAsync(
            Page,
            (path, body) => path switch
            {
                "/answer" => answerFor(body),
                "/status" => done() ? "done" : "wait",
                _ => string.Empty,
            },
            TimeSpan.FromSeconds(40));

    [GeneratedRegex(@"a=fingerprint:sha-256 (\S+)")]
    private static partial Regex FingerprintPattern();

    /// <summary>What Chromium's offer says about its two sections: mids, payload types, SSRCs.</summary>
    private sealed partial class OfferedMedia
    {
        public string AudioMid { get; private set; } = "0";
        public string VideoMid { get; private set; } = "1";
        public byte OpusPayloadType { get; private set; }
        public byte Vp8PayloadType { get; private set; }
        public HashSet<uint> Ssrcs { get; private set; } = [];

        public void ParseFrom(string offer)
        {
            var sections = offer.Split("m=").Skip(1).ToArray();
            var audio = sections.First(s => s.StartsWith("audio", StringComparison.Ordinal));
            var video = sections.First(s => s.StartsWith("video", StringComparison.Ordinal));
            AudioMid = MidPattern().Match(audio).Groups[1].Value;
            VideoMid = MidPattern().Match(video).Groups[1].Value;
            Vp8PayloadType = byte.Parse(Vp8Pattern().Match(video).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Ssrcs = SsrcPattern().Matches(offer).Select(m => uint.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
            OpusPayloadType = byte.Parse(OpusPattern().Match(audio).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        [GeneratedRegex(@"a=mid:(\S+)")]
        private static partial Regex MidPattern();

        [GeneratedRegex(@"a=rtpmap:(\d+) opus/48000/2")]
        private static partial Regex OpusPattern();

        [GeneratedRegex(@"a=rtpmap:(\d+) VP8/90000")]
        private static partial Regex Vp8Pattern();

        [GeneratedRegex(@"a=ssrc:(\d+) ")]
        private static partial Regex SsrcPattern();
    }
}
