using System.Diagnostics;
using Parley.Media.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Tests.Dtls;
using Parley.Media.Tests.Ortc;
using Parley.Media.Transports;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;
using static Parley.Media.Tests.Srtp.SrtpTestPackets;

namespace Parley.Media.Tests.Transports;

/// <summary>
/// A WebRTC worker that falls behind sheds RTP only: STUN and DTLS that waited in its queue longer than the budget are
/// still handled, since a lost consent check or handshake flight costs the whole connection, and they are few; so is
/// RTCP, the receivers' feedback, whose loss comes back as more feedback (NACKs again, keyframe requests).
/// </summary>
public sealed class WebRtcOverloadExemptionTests : IAsyncDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(20);

    private readonly WebRtcServer _server = new(new WebRtcServerOptions { Port = 0 });
    private readonly Worker _worker = new("webrtc-exemption-test", portableWait: false, maxQueueDelay: Budget);

    public WebRtcOverloadExemptionTests() => _server.Start();

    public async ValueTask DisposeAsync()
    {
        await _worker.CloseAsync();
        _server.Dispose();
    }

    [Fact]
    public async Task Queued_past_the_budget_rtp_is_shed_and_counted_while_stun_is_answered_and_dtls_and_rtcp_processed()
    {
        var router = await _worker.CreateRouterAsync();
        var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = _server, Certificate = TestCertificates.Server });
        using var peer = new LoopbackWebRtcPeer(_server.UdpPort);
        await peer.ConnectAsync(transport);
        var producer = await transport.ProduceAsync(MediaKind.Audio, OrtcTestData.Producer("chromium-produce-audio-opus.json"));
        var ssrc = producer.RtpParameters.Encodings[0].Ssrc!.Value;
        var payloadType = (byte)producer.RtpParameters.Codecs[0].PayloadType;

        // The worker is stuck (as behind a burst) while the datagrams arrive; the shared port's thread queues them.
        using var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuck = _worker.InvokeAsync(() =>
        {
            entered.SetResult();
            release.Wait(TimeSpan.FromSeconds(30));
        });
        await entered.Task;

        var datagramsBefore = transport.Counters.PacketsReceived;
        var stunAnswersBefore = peer.StunResponses.Count;
        var serverReadBefore = _server.Counters.PacketsReceived;
        const int rtpCount = 5;
        for (var i = 0; i < rtpCount; i++)
            peer.SendProtected(MakeRtp((ushort)(100 + i), ssrc, 100, payloadType), isRtcp: false);
        peer.SendCheck(transport.IceParameters, useCandidate: false);
        // A DTLS record (application data, DTLS 1.2) of an epoch the session never had: the DTLS layer takes it in and
        // drops it as such, and the connection lives on.
        peer.SendRaw([23, 0xFE, 0xFD, 0, 7, 0, 0, 0, 0, 0, 9, 0, 4, 1, 2, 3, 4]);
        peer.SendProtected(MakeRtcp(ssrc), isRtcp: true);

        // All eight read off the socket and queued, then left there past the budget before the worker comes back.
        await WaitUntil(() => _server.Counters.PacketsReceived >= serverReadBefore + rtpCount + 3);
        var queued = Stopwatch.StartNew();
        await WaitUntil(() => queued.Elapsed > Budget * 5);
        release.Set();
        await stuck;
        await _worker.InvokeAsync(() => { });

        Assert.Equal(rtpCount, _worker.GetOverloadDropCount(OverloadDropReason.WorkerQueue));
        Assert.Equal(0, transport.Counters.RtpPacketsReceived);
        await WaitUntil(() => peer.StunResponses.Count == stunAnswersBefore + 1);
        // The DTLS record and the RTCP reached the connection (counted as they are taken in); the shed RTP did not.
        Assert.Equal(datagramsBefore + 2, transport.Counters.PacketsReceived);
        Assert.Equal(Parley.Media.Dtls.DtlsState.Connected, transport.DtlsState);

        // Media arriving on time is forwarded as ever.
        peer.SendProtected(MakeRtp(200, ssrc, 100, payloadType), isRtcp: false);
        await WaitUntil(() => transport.Counters.RtpPacketsReceived == 1);
        Assert.Equal(rtpCount, _worker.GetOverloadDropCount(OverloadDropReason.WorkerQueue));
    }
}
