using System.Text.Json;
using Parley.Media.Rtc;
using Parley.Media.Transports;
using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Rtc;

public class StreamStatsTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Producer_stats_use_mediasoup_inbound_rtp_names_and_values()
    {
        var receive = new ReceiveStreamStatistics(1111, 90000);
        var bitrate = new BitrateCalculator();
        foreach (var sequence in new ushort[] { 1, 2, 3, 5 })
        {
            receive.OnPacket(sequence, 0, 1000, 100);
            bitrate.Update(1000, 100);
        }

        receive.CreateReportBlock(100);
        var counters = new RtpStreamCounters { NackCount = 2, NackPacketCount = 3, PliCount = 1, FirCount = 0, PacketsRepaired = 1, PacketsDiscarded = 4 };
        var stats = ProducerStreamStats.Create(200, "video", "video/VP8", receive, bitrate, new StreamScore(), counters, rtxSsrc: 2222);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize<object>(stats, Web));
        var root = json.RootElement;
        Assert.Equal("inbound-rtp", root.GetProperty("type").GetString());
        Assert.Equal(200, root.GetProperty("timestamp").GetInt64());
        Assert.Equal(1111u, root.GetProperty("ssrc").GetUInt32());
        Assert.Equal(2222u, root.GetProperty("rtxSsrc").GetUInt32());
        Assert.Equal("video", root.GetProperty("kind").GetString());
        Assert.Equal("video/VP8", root.GetProperty("mimeType").GetString());
        Assert.Equal(4, root.GetProperty("packetCount").GetInt64());
        Assert.Equal(4000, root.GetProperty("byteCount").GetInt64());
        Assert.Equal(32_000, root.GetProperty("bitrate").GetInt64());
        Assert.Equal(1, root.GetProperty("packetsLost").GetInt64());
        Assert.Equal(64, root.GetProperty("fractionLost").GetInt32());
        Assert.Equal(4, root.GetProperty("packetsDiscarded").GetInt64());
        Assert.Equal(1, root.GetProperty("packetsRepaired").GetInt64());
        Assert.Equal(2, root.GetProperty("nackCount").GetInt64());
        Assert.Equal(3, root.GetProperty("nackPacketCount").GetInt64());
        Assert.Equal(1, root.GetProperty("pliCount").GetInt64());
        Assert.Equal(0, root.GetProperty("firCount").GetInt64());
        Assert.Equal(10, root.GetProperty("score").GetInt32());
        Assert.Equal(0, root.GetProperty("rtxPacketsDiscarded").GetInt64());
        Assert.True(root.TryGetProperty("jitter", out _));
        Assert.False(root.TryGetProperty("rid", out _));
        Assert.False(root.TryGetProperty("roundTripTime", out _));

        var typed = JsonSerializer.Serialize(stats, Web);
        Assert.StartsWith("{\"type\":\"inbound-rtp\",", typed);
        Assert.Contains("\"rtxPacketsDiscarded\":0", typed);
    }

    [Fact]
    public void Consumer_stats_report_what_the_receiver_said()
    {
        var send = new SendStreamStatistics(3333, 48000);
        var bitrate = new BitrateCalculator();
        send.OnPacketSent(0, 100, 0);
        send.OnPacketSent(960, 100, 20);
        send.OnPacketSent(960, 100, 30, isRetransmission: true);
        var ntp = NtpTime.FromUnixMilliseconds(1_000_000);
        send.TryWriteSenderReport(new byte[64], 100, ntp, [], out _);
        send.OnReceiverReport(new RtcpReportBlock(3333, 10, 2, 2, 48, NtpTime.ToCompact(ntp), NtpTime.MillisecondsToCompact(10)), 150);

        var stats = ConsumerStreamStats.Create(
            200, "audio", "audio/opus", send, bitrate, new StreamScore(), new RtpStreamCounters { NackCount = 1, NackPacketCount = 1 });
        using var json = JsonDocument.Parse(JsonSerializer.Serialize<object>(stats, Web));
        var root = json.RootElement;

        Assert.Equal("outbound-rtp", root.GetProperty("type").GetString());
        Assert.Equal(3, root.GetProperty("packetCount").GetInt64());
        Assert.Equal(300, root.GetProperty("byteCount").GetInt64());
        Assert.Equal(1, root.GetProperty("packetsRetransmitted").GetInt64());
        Assert.Equal(2, root.GetProperty("packetsLost").GetInt64());
        Assert.Equal(10, root.GetProperty("fractionLost").GetInt32());
        Assert.Equal(48u, root.GetProperty("jitter").GetUInt32());
        Assert.InRange(root.GetProperty("roundTripTime").GetDouble(), 39.9, 40.1);
        Assert.False(root.TryGetProperty("rtxSsrc", out _));
    }

    [Fact]
    public void Transport_stats_split_traffic_by_kind()
    {
        var traffic = new TransportCounters();
        traffic.OnReceived(TrafficKind.Rtp, 1000, 0);
        traffic.OnReceived(TrafficKind.Rtx, 500, 0);
        traffic.OnReceived(TrafficKind.Other, 100, 0);
        traffic.OnSent(TrafficKind.Rtp, 1200, 0);
        traffic.OnSent(TrafficKind.Probation, 300, 0);

        var stats = traffic.CreateStats("t1", 10, iceRole: "controlled", iceState: "completed", dtlsState: "connected");
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(stats, Web));
        var root = json.RootElement;

        Assert.Equal("webrtc-transport", root.GetProperty("type").GetString());
        Assert.Equal("t1", root.GetProperty("transportId").GetString());
        Assert.Equal(1600, root.GetProperty("bytesReceived").GetInt64());
        Assert.Equal(12_800, root.GetProperty("recvBitrate").GetInt64());
        Assert.Equal(1000, root.GetProperty("rtpBytesReceived").GetInt64());
        Assert.Equal(500, root.GetProperty("rtxBytesReceived").GetInt64());
        Assert.Equal(1500, root.GetProperty("bytesSent").GetInt64());
        Assert.Equal(1200, root.GetProperty("rtpBytesSent").GetInt64());
        Assert.Equal(300, root.GetProperty("probationBytesSent").GetInt64());
        Assert.Equal(2400, root.GetProperty("probationSendBitrate").GetInt64());
        Assert.Equal(2, root.GetProperty("rtpPacketCountReceived").GetInt64());
        Assert.Equal("completed", root.GetProperty("iceState").GetString());
        Assert.Equal("connected", root.GetProperty("dtlsState").GetString());
        Assert.False(root.TryGetProperty("availableOutgoingBitrate", out _));
    }
}
