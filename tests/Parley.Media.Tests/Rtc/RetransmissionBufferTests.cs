using System.Buffers;
using FsCheck;
using FsCheck.Xunit;
using Parley.Media.Rtc;

namespace Parley.Media.Tests.Rtc;

public class RetransmissionBufferTests
{
    [Fact]
    public void Returns_exactly_the_bytes_stored()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16);
        var packet = Packet(1000, 200);

        Assert.True(buffer.Store(packet, 1000, nowMilliseconds: 0));
        Assert.True(buffer.TryGet(1000, 10, out var stored));

        Assert.Equal(packet, stored.ToArray());
        Assert.Equal(1, buffer.Count);
    }

    [Fact]
    public void Serves_packets_across_the_sequence_wrap()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16);
        for (var i = 0; i < 10; i++)
        {
            var sequence = (ushort)(65530 + i);
            Assert.True(buffer.Store(Packet(sequence, 50), sequence, 0));
        }

        foreach (var sequence in new ushort[] { 65530, 65535, 0, 3 })
        {
            Assert.True(buffer.TryGet(sequence, 1, out var packet));
            Assert.Equal(Packet(sequence, 50), packet.ToArray());
        }

        Assert.False(buffer.TryGet(4, 1, out _));
    }

    [Fact]
    public void Accepts_out_of_order_packets_within_the_window_and_refuses_older_ones()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16);
        Assert.True(buffer.Store(Packet(100, 40), 100, 0));
        Assert.True(buffer.Store(Packet(98, 40), 98, 0));
        Assert.True(buffer.Store(Packet(85, 40), 85, 0));
        Assert.False(buffer.Store(Packet(84, 40), 84, 0));

        Assert.True(buffer.TryGet(98, 0, out var late));
        Assert.Equal(Packet(98, 40), late.ToArray());
        Assert.False(buffer.TryGet(84, 0, out _));
        Assert.Equal(3, buffer.Count);
    }

    [Fact]
    public void Newer_packets_overwrite_the_slot_of_the_one_capacity_behind()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16);
        Assert.True(buffer.Store(Packet(5, 30), 5, 0));
        Assert.True(buffer.Store(Packet(21, 31), 21, 0));

        Assert.False(buffer.TryGet(5, 0, out _));
        Assert.True(buffer.TryGet(21, 0, out var packet));
        Assert.Equal(Packet(21, 31), packet.ToArray());
        Assert.Equal(1, buffer.Count);
    }

    [Fact]
    public void A_jump_ahead_clears_the_skipped_slots()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16);
        for (ushort s = 0; s < 16; s++)
        {
            buffer.Store(Packet(s, 20), s, 0);
        }

        // 20 lands on slot 4; 16..19 were skipped, so the old 0..3 must not answer for them.
        Assert.True(buffer.Store(Packet(20, 20), 20, 0));
        Assert.False(buffer.TryGet(16, 0, out _));
        Assert.False(buffer.TryGet(0, 0, out _));
        Assert.True(buffer.TryGet(5, 0, out _));
        Assert.Equal(12, buffer.Count); // 5..15 and 20

        Assert.True(buffer.Store(Packet(1000, 20), 1000, 0));
        Assert.Equal(1, buffer.Count);
        Assert.False(buffer.TryGet(5, 0, out _));
    }

    [Fact]
    public void Packets_older_than_the_maximum_age_are_not_served()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16, maxAgeMilliseconds: 2000);
        buffer.Store(Packet(1, 20), 1, nowMilliseconds: 10_000);

        Assert.Equal(20, buffer.CopyTo(1, 12_000, new byte[100]));
        Assert.False(buffer.TryGet(1, 12_001, out _));
        Assert.Equal(-1, buffer.CopyTo(1, 12_001, new byte[100]));
    }

    [Fact]
    public void The_same_packet_is_resent_at_most_once_per_resend_interval()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16) { ResendIntervalMilliseconds = 80 };
        buffer.Store(Packet(7, 20), 7, 0);

        Assert.True(buffer.TryGet(7, 100, out _));
        Assert.False(buffer.TryGet(7, 179, out _));
        Assert.True(buffer.TryGet(7, 180, out _));
        Assert.Equal(2, buffer.GetResendCount(7));

        buffer.ResendIntervalMilliseconds = 0; // unknown RTT: falls back to the default
        Assert.Equal(RetransmissionBuffer.DefaultResendIntervalMilliseconds, buffer.ResendIntervalMilliseconds);
        Assert.False(buffer.TryGet(7, 279, out _));
        Assert.True(buffer.TryGet(7, 280, out _));
    }

    [Fact]
    public void Storing_again_resets_the_resend_throttle()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16);
        buffer.Store(Packet(7, 20), 7, 0);
        Assert.True(buffer.TryGet(7, 0, out _));
        buffer.Store(Packet(7, 21), 7, 1);
        Assert.True(buffer.TryGet(7, 2, out var packet));
        Assert.Equal(21, packet.Length);
    }

    [Fact]
    public void Refuses_empty_and_oversized_packets()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16, maxPacketSize: 100);
        Assert.False(buffer.Store([], 1, 0));
        Assert.False(buffer.Store(new byte[101], 1, 0));
        Assert.True(buffer.Store(new byte[100], 1, 0));
        Assert.Equal(-1, buffer.CopyTo(1, 0, new byte[99]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(100)]
    [InlineData(65536)]
    public void Rejects_a_capacity_that_is_not_a_power_of_two_in_range(int capacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetransmissionBuffer(capacity));
    }

    [Fact]
    public void Dispose_returns_the_slab_to_the_pool_once_and_later_calls_fail()
    {
        var pool = new CountingPool();
        var buffer = new RetransmissionBuffer(capacity: 32, maxPacketSize: 200, pool: pool);
        Assert.Equal(1, pool.Rented);
        buffer.Store(Packet(1, 20), 1, 0);

        buffer.Dispose();
        buffer.Dispose();

        Assert.Equal(1, pool.Returned);
        Assert.True(buffer.IsDisposed);
        Assert.False(buffer.Store(Packet(2, 20), 2, 0));
        Assert.False(buffer.TryGet(1, 0, out _));
        Assert.Equal(-1, buffer.CopyTo(1, 0, new byte[100]));
    }

    [Property(MaxTest = 200)]
    public void Every_packet_within_the_window_comes_back_exactly(ushort start, NonEmptyArray<byte> lengths, int shuffleSeed)
    {
        using var buffer = new RetransmissionBuffer(capacity: 64, maxPacketSize: 300);
        var count = Math.Min(lengths.Get.Length, 64);
        var order = Enumerable.Range(0, count).OrderBy(i => HashCode.Combine(i, shuffleSeed)).ToArray();
        var stored = new Dictionary<ushort, byte[]>();
        foreach (var i in order)
        {
            var sequence = (ushort)(start + i);
            var packet = Packet(sequence, 1 + lengths.Get[i]);
            Assert.True(buffer.Store(packet, sequence, 0));
            stored[sequence] = packet;
        }

        foreach (var (sequence, packet) in stored)
        {
            Assert.True(buffer.TryGet(sequence, 1, out var got));
            Assert.Equal(packet, got.ToArray());
        }

        Assert.False(buffer.TryGet((ushort)(start + count), 1, out _));
        Assert.False(buffer.TryGet((ushort)(start - 1), 1, out _));
    }

    internal static byte[] Packet(ushort sequence, int length)
    {
        var packet = new byte[length];
        for (var i = 0; i < length; i++)
        {
            packet[i] = (byte)(sequence * 31 + i);
        }

        return packet;
    }

    private sealed class CountingPool : ArrayPool<byte>
    {
        public int Rented { get; private set; }

        public int Returned { get; private set; }

        public override byte[] Rent(int minimumLength)
        {
            Rented++;
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false) => Returned++;
    }
}

public class RetransmissionBufferRtxTests
{
    [Fact]
    public void A_stored_packet_comes_back_in_rtx_form_and_unwraps_to_the_original()
    {
        var original = new byte[300];
        var builder = new Parley.Media.Rtp.RtpPacketBuilder(original, 96, 4242, 900_000, 0x1234, marker: true);
        Assert.True(builder.TryAddExtension(1, [7, 8]));
        Assert.True(builder.TryFinish(Enumerable.Range(0, 100).Select(i => (byte)i).ToArray(), 0, out var length));

        using var buffer = new RetransmissionBuffer(capacity: 16);
        Assert.True(buffer.Store(original.AsSpan(0, length), 4242, 0));

        var rtx = new byte[400];
        Assert.True(buffer.TryGetAsRtx(4242, 10, rtx, 0x5678, 97, 17, out var rtxLength));
        Assert.Equal(length + 2, rtxLength);
        Assert.False(buffer.TryGetAsRtx(4242, 20, rtx, 0x5678, 97, 18, out _)); // throttled
        Assert.Equal(1, buffer.GetResendCount(4242));

        Assert.True(Parley.Media.Rtp.RtpPacket.TryParse(rtx.AsSpan(0, rtxLength), out var rtxPacket));
        Assert.Equal(0x5678u, rtxPacket.Ssrc);
        Assert.Equal(17, rtxPacket.SequenceNumber);
        var restored = new byte[300];
        Assert.True(Parley.Media.Rtp.RtxPacket.TryUnwrap(rtxPacket, restored, 0x1234, 96, out var restoredLength));
        Assert.Equal(original[..length], restored[..restoredLength]);
    }

    [Fact]
    public void Garbage_or_a_short_destination_is_not_served_and_records_no_resend()
    {
        using var buffer = new RetransmissionBuffer(capacity: 16);
        Assert.True(buffer.Store(new byte[] { 0x00, 1, 2, 3 }, 1, 0)); // not RTP version 2
        Assert.False(buffer.TryGetAsRtx(1, 0, new byte[100], 1, 97, 1, out _));

        buffer.Store(RetransmissionBufferTests.Packet(2, 40).Select((b, i) => i == 0 ? (byte)0x80 : b).ToArray(), 2, 0);
        Assert.False(buffer.TryGetAsRtx(2, 0, new byte[10], 1, 97, 1, out _));
        Assert.Equal(0, buffer.GetResendCount(2));
        Assert.True(buffer.TryGetAsRtx(2, 0, new byte[100], 1, 97, 1, out _));
    }
}
