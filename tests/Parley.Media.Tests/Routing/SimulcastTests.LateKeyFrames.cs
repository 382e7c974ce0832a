using Parley.Media.Routing;
using Parley.Media.Rtp;

namespace Parley.Media.Tests.Routing;

/// <summary>
/// A switch happens only at a keyframe that is the newest packet of its stream. Chromium resends recent packets over
/// RTX to probe bandwidth, and a lost keyframe packet comes back by NACK after newer ones: a switch at such a late
/// copy would leave the newer packets, already passed over, as holes in the consumer's sequence that no NACK can
/// fill, and the receiver stalls until the next keyframe (seen in Chromium as frames stopping after a switch).
/// </summary>
public sealed partial class SimulcastTests
{
    [Fact]
    public async Task A_keyframe_recovered_late_does_not_switch_the_layer_the_next_one_does()
    {
        var (scenario, sender, consumer, peer, _, sent) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;

        await consumer.SetPreferredLayersAsync(0);
        await ReceivePliAsync(scenario, 0);
        var (lostKeyFrame, _) = sender.Build(0, keyFrame: true); // lost on the way in
        await sender.SendAsync(0); // opens the gap: the router NACKs the keyframe
        sent.Add(await sender.SendAsync(2));
        await scenario.SendAndWaitAsync(Rtx(lostKeyFrame, 0, rtxSequence: 1)); // the keyframe, recovered after a newer packet
        sent.Add(await sender.SendAsync(2)); // still layer 2
        sent.Add(await sender.SendAsync(0, keyFrame: true));
        sent.Add(await sender.SendAsync(0));

        var received = await ReceiveRtpAsync(peer, sent.Count);
        Assert.Equal(sent, received.Select(SimulcastSender.Body));
        AssertContinuous(received);
        Assert.Equal(new ConsumerLayers(0, 2), consumer.CurrentLayers);
    }

    [Fact]
    public async Task An_rtx_copy_of_an_old_keyframe_does_not_switch_the_layer()
    {
        var (scenario, sender, consumer, peer, _, sent) = await StartAtTopLayerAsync();
        await using var cleanup = scenario;

        var (oldKeyFrame, _) = sender.Build(0, keyFrame: true);
        await scenario.SendAndWaitAsync(oldKeyFrame); // not the target yet
        await sender.SendAsync(0);
        await consumer.SetPreferredLayersAsync(0);
        await ReceivePliAsync(scenario, 0);
        sent.Add(await sender.SendAsync(2));
        await scenario.SendAndWaitAsync(Rtx(oldKeyFrame, 0, rtxSequence: 1)); // bandwidth probing: a copy, nobody asked
        sent.Add(await sender.SendAsync(2));
        sent.Add(await sender.SendAsync(0, keyFrame: true));
        sent.Add(await sender.SendAsync(0));

        var received = await ReceiveRtpAsync(peer, sent.Count);
        Assert.Equal(sent, received.Select(SimulcastSender.Body));
        AssertContinuous(received);
    }

    private static byte[] Rtx(byte[] original, int layer, ushort rtxSequence)
    {
        var rtxPayloadType = (byte)SimulcastParameters().Codecs.Single(c => c.MimeType == "video/rtx").PayloadType;
        Assert.True(RtpPacket.TryParse(original, out var packet));
        var rtx = new byte[1500];
        Assert.True(RtxPacket.TryWrap(packet, rtx, SimulcastSender.Ssrc(layer) + 0x100, rtxPayloadType, rtxSequence, out var length));
        return rtx[..length];
    }
}
