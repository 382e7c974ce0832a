using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Media.Dtls;
using Parley.Media.Net;
using Parley.Media.Rtp;
using Parley.Media.Tests.Browser;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Codecs;

/// <summary>
/// Records the decrypted RTP a real Chromium sends when told to encode one scalable stream (VP9 <c>L3T3_KEY</c>, AV1
/// <c>L3T3</c>): a <see cref="WebRtcConnection"/> answers Chromium's offer by hand (ice-lite, one receive-only video
/// section, the codec and the dependency descriptor extension Chromium offered, a high fixed bitrate so that every
/// spatial layer is on) and keeps the first packets of the stream. <see cref="SvcFixture"/> stores them as the
/// checked-in fixtures the parsers are tested on.
/// </summary>
internal sealed partial class SvcCapture : IAsyncDisposable
{
    private const string PageTemplate = """
        <!doctype html><meta charset="utf-8"><title>svc</title><script>
        (async () => {
          const report = (result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) });
          try {
            const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 960, height: 540, frameRate: 15 } });
            const pc = new RTCPeerConnection();
            const transceiver = pc.addTransceiver(stream.getVideoTracks()[0], {
              direction: 'sendonly', streams: [stream], sendEncodings: [{ scalabilityMode: '%MODE%' }],
            });
            const codecs = RTCRtpSender.getCapabilities('video').codecs.filter((c) => c.mimeType === '%MIME%'
              && (c.mimeType !== 'video/VP9' || (c.sdpFmtpLine ?? '').includes('profile-id=0')));
            transceiver.setCodecPreferences(codecs);
            await pc.setLocalDescription(await pc.createOffer());
            const answer = await (await fetch('/answer', { method: 'POST', body: pc.localDescription.sdp })).text();
            await pc.setRemoteDescription({ type: 'answer', sdp: answer });
            const deadline = Date.now() + 30000;
            let outbound = {};
            while (Date.now() < deadline) {
              const status = await (await fetch('/status', { method: 'POST', body: '' })).text();
              (await pc.getStats()).forEach((r) => {
                if (r.type === 'outbound-rtp') outbound = { scalabilityMode: r.scalabilityMode, frameWidth: r.frameWidth, encoder: r.encoderImplementation };
              });
              if (status === 'done') break;
              await new Promise((r) => setTimeout(r, 200));
            }
            await report({ connectionState: pc.connectionState, outbound, parameters: transceiver.sender.getParameters().encodings });
          } catch (e) {
            await report({ error: String(e) });
          }
        })();
        </script>
        """;

    private readonly WebRtcServer _server;
    private readonly Parley.Media.Routing.Worker _worker = TestWorkers.Create("svc-capture");
    private readonly ConcurrentQueue<byte[]> _packets = new();
    private readonly WebRtcConnection _connection;
    private readonly int _wanted;
    private byte _payloadType;

    private SvcCapture(int wanted)
    {
        _wanted = wanted;
        _server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        _server.Start();
        _connection = new WebRtcConnection(_server, _worker, Dtls.TestCertificates.Server, new WebRtcConnectionOptions());
        _connection.RtpReceived += (packet, _) =>
        {
            if (_payloadType != 0 && _packets.Count < _wanted && RtpPacket.TryParse(packet, out var parsed) && parsed.PayloadType == _payloadType)
            {
                _packets.Enqueue(packet.ToArray());
            }
        };
    }

    /// <summary>
    /// Runs Chromium sending <paramref name="mimeType"/> in <paramref name="scalabilityMode"/> and returns the first
    /// <paramref name="count"/> media packets, with the payload type and dependency descriptor ID they carry.
    /// </summary>
    public static async Task<SvcFixture> RecordAsync(string mimeType, string scalabilityMode, int count)
    {
        await using var capture = new SvcCapture(count);
        var page = PageTemplate.Replace("%MODE%", scalabilityMode, StringComparison.Ordinal).Replace("%MIME%", mimeType, StringComparison.Ordinal);
        var dependencyDescriptorId = 0;
        var result = await HeadlessChromium.RunPageAsync(
            page,
            (path, body) => path switch
            {
                "/answer" => capture.Answer(body, mimeType, out dependencyDescriptorId),
                "/status" => capture._packets.Count >= count ? "done" : "wait",
                _ => string.Empty,
            },
            TimeSpan.FromSeconds(60));
        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.True(capture._packets.Count >= count, $"{capture._packets.Count} packets; Chromium: {result}");
        return new SvcFixture(mimeType, scalabilityMode, capture._payloadType, dependencyDescriptorId, [.. capture._packets]);
    }

    public async ValueTask DisposeAsync()
    {
        _connection.Dispose();
        _server.Dispose();
        await _worker.DisposeAsync();
    }

    private string Answer(string offer, string mimeType, out int dependencyDescriptorId)
    {
        var codecName = mimeType["video/".Length..];
        var video = offer[offer.IndexOf("m=video", StringComparison.Ordinal)..];
        var mid = MidPattern().Match(video).Groups[1].Value;
        _payloadType = byte.Parse(
            Regex.Match(video, $@"a=rtpmap:(\d+) {codecName}/90000").Groups[1].Value, CultureInfo.InvariantCulture);
        var extension = DependencyDescriptorPattern().Match(video);
        dependencyDescriptorId = extension.Success ? int.Parse(extension.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var fingerprint = FingerprintPattern().Match(offer).Groups[1].Value;
        _worker.InvokeAsync(() => _connection.Connect(new DtlsParameters
        {
            Role = DtlsRole.Client,
            Fingerprints = [new DtlsFingerprint("sha-256", fingerprint)],
        })).GetAwaiter().GetResult();

        var ice = _connection.IceParameters;
        var ours = _connection.DtlsParameters.Fingerprints.First(f => f.Algorithm == "sha-256").Value;
        var candidate = _connection.IceCandidates.First(c => c.Protocol == "udp");
        var lines = new List<string>
        {
            "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=ice-lite", $"a=group:BUNDLE {mid}", "a=msid-semantic: WMS",
            // A template structure is longer than a one-byte header extension element can be.
            "a=extmap-allow-mixed",
            $"m=video {candidate.Port} UDP/TLS/RTP/SAVPF {_payloadType}",
            "c=IN IP4 127.0.0.1",
            $"a=mid:{mid}",
            $"a=ice-ufrag:{ice.UsernameFragment}",
            $"a=ice-pwd:{ice.Password}",
            $"a=fingerprint:sha-256 {ours}",
            "a=setup:passive",
            "a=recvonly",
            "a=rtcp-mux",
            "a=rtcp-rsize",
            $"a=rtpmap:{_payloadType} {codecName}/90000",
            // No congestion feedback comes back: a fixed, high bitrate keeps every spatial layer on.
            $"a=fmtp:{_payloadType} {(codecName == "VP9" ? "profile-id=0;" : string.Empty)}x-google-min-bitrate=1500;x-google-start-bitrate=2000;x-google-max-bitrate=2500",
        };
        if (dependencyDescriptorId != 0)
        {
            lines.Add($"a=extmap:{dependencyDescriptorId} {Parley.Media.Ortc.RtpHeaderExtensionUris.DependencyDescriptor}");
        }

        lines.Add($"a=candidate:{candidate.Foundation} 1 udp {candidate.Priority} {candidate.Ip} {candidate.Port} typ host");
        lines.Add("a=end-of-candidates");
        lines.Add(string.Empty);
        return string.Join("\r\n", lines);
    }

    [GeneratedRegex(@"a=fingerprint:sha-256 (\S+)")]
    private static partial Regex FingerprintPattern();

    [GeneratedRegex(@"a=mid:(\S+)")]
    private static partial Regex MidPattern();

    [GeneratedRegex(@"a=extmap:(\d+) https://aomediacodec\.github\.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension")]
    private static partial Regex DependencyDescriptorPattern();
}

/// <summary>
/// Captured RTP packets of one scalable stream, stored as text: a header line naming the codec, mode, payload type and
/// dependency descriptor extension ID, then one packet per line in hex.
/// </summary>
internal sealed record SvcFixture(string MimeType, string ScalabilityMode, byte PayloadType, int DependencyDescriptorId, IReadOnlyList<byte[]> Packets)
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Codecs", "Fixtures");

    public static SvcFixture Load(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(Directory, name));
        var header = lines[0].TrimStart('#', ' ').Split(' ');
        return new SvcFixture(
            header[0],
            header[1],
            byte.Parse(header[2], CultureInfo.InvariantCulture),
            int.Parse(header[3], CultureInfo.InvariantCulture),
            [.. lines.Skip(1).Where(l => l.Length > 0).Select(Convert.FromHexString)]);
    }

    public void Save(string path)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {MimeType} {ScalabilityMode} {PayloadType} {DependencyDescriptorId}\n");
        foreach (var packet in Packets)
        {
            text.Append(Convert.ToHexString(packet)).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }
}
