using Parley.Media.Rtc;
using Parley.Media.Transports;

namespace Parley.Media.Tests.Rtc;

/// <summary>
/// The per-packet calls of the reliability components must not allocate: each is run once to warm up, then many
/// times while this thread's allocation counter is watched (as <c>RtpAllocationTests</c> does).
/// </summary>
public class RtcAllocationTests
{
    [Fact]
    public void Retransmission_buffer_store_and_get_allocate_nothing()
    {
        using var buffer = new RetransmissionBuffer();
        var packet = RetransmissionBufferTests.Packet(1, 1200);
        packet[0] = 0x80; // RTP version 2, no CSRC, extension or padding
        var rtx = new byte[1500];
        var served = 0L;
        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                buffer.Store(packet, (ushort)i, i);
                if (buffer.TryGet((ushort)(i - 5), i, out var stored))
                {
                    served += stored.Length;
                }

                if (buffer.TryGetAsRtx((ushort)(i - 6), i, rtx, 2, 97, (ushort)i, out var written))
                {
                    served += written;
                }
            }
        }

        AssertNoAllocation(Run);
        Assert.True(served > 0);
    }

    [Fact]
    public void Nack_generator_allocates_nothing()
    {
        var nack = new NackGenerator();
        var destination = new ushort[64];
        var nacked = 0L;
        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var sequence = (ushort)(i * 2); // every other packet lost, and repaired later
                nack.OnPacket(sequence, i % 100 == 0, false, i);
                nack.OnPacket((ushort)(sequence - 3), false, true, i);
                nacked += nack.CollectNacks(i, 20, destination);
            }
        }

        AssertNoAllocation(Run);
        Assert.True(nacked > 0);
    }

    [Fact]
    public void Stream_statistics_updates_allocate_nothing()
    {
        var receive = new ReceiveStreamStatistics(1, 90000);
        var send = new SendStreamStatistics(2, 90000);
        var receiveBitrate = new BitrateCalculator();
        var score = new StreamScore();
        var throttle = new KeyFrameRequestThrottle();
        var traffic = new TransportCounters();
        long sum = 0;
        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                receive.OnPacket((ushort)i, (uint)(i * 3000), 1200, i * 33);
                receiveBitrate.Update(1200, i * 33);
                send.OnPacketSent((uint)(i * 3000), 1200, i * 33);
                traffic.OnReceived(TrafficKind.Rtp, 1200, i * 33);
                sum += receiveBitrate.GetBitrate(i * 33);
                if (throttle.TryRequest(i * 33))
                {
                    sum++;
                }

                if (i % 50 == 0)
                {
                    var block = receive.CreateReportBlock(i * 33);
                    send.OnReceiverReport(block, i * 33);
                    sum += score.Update(receive.ExpectedPackets, receive.PacketsLost, 0, 0);
                }
            }
        }

        AssertNoAllocation(Run);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Composing_an_rtcp_interval_allocates_nothing()
    {
        var send = new SendStreamStatistics(1, 90000);
        send.OnPacketSent(0, 100, 0);
        var receive = new ReceiveStreamStatistics(2, 90000);
        receive.OnPacket(1, 0, 100, 0);
        var buffer = new byte[1500];
        ReceiveStreamStatistics[] streams = [receive];
        ushort[] lost = [10, 12, 40];
        uint[] leaving = [1];
        long total = 0;
        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var composer = new RtcpComposer(buffer);
                composer.TryAddSenderReport(send, i, (ulong)i << 32);
                composer.TryAddCname(1, "cname-of-this-peer"u8);
                composer.TryAddReceiverReports(1, streams, i);
                composer.TryAddGenericNack(1, 2, lost);
                composer.TryAddPictureLossIndication(1, 2);
                composer.TryAddFullIntraRequest(1, 2, (byte)i);
                composer.TryAddGoodbye(leaving);
                total += composer.Length;
            }
        }

        AssertNoAllocation(Run);
        Assert.True(total > 0);
    }

    // Arrays are made outside the measured loop: a collection expression at the call site may itself allocate.
    private static void AssertNoAllocation(Action<int> run)
    {
        run(200);
        Assert.Equal(0, AllocationMeter.LeastPerRound(_ => run(4_000)));
    }
}
