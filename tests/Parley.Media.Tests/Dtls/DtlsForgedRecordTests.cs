using System.Collections.Concurrent;
using Parley.Media.Dtls;
using static Parley.Media.Tests.Net.WebRtcServerSocketTests;

namespace Parley.Media.Tests.Dtls;

/// <summary>
/// After a real handshake, made-up records in the current epoch and in the clear one are dropped and counted, and the
/// connection goes on as if they had never come (RFC 6347 §4.1.2.7: invalid records are silently discarded).
/// </summary>
public sealed class DtlsForgedRecordTests
{
    [Fact]
    public async Task Forged_records_after_the_handshake_are_dropped_and_counted_and_the_connection_carries_on()
    {
        byte[]? clientHello = null;
        using var pipe = new DtlsPipe(dropFromClient: (index, datagram) =>
        {
            if (index == 0)
                clientHello = datagram;
            return false;
        });
        var received = new ConcurrentQueue<byte[]>();
        pipe.Server.ApplicationDataReceived += data => received.Enqueue(data.ToArray());
        await pipe.ConnectAsync();

        foreach (var (name, datagram) in ForgedDtlsRecords.All)
        {
            pipe.Server.Feed(datagram);
            Assert.True(pipe.Server.State == DtlsState.Connected, $"{name} broke the connection: {pipe.Server.FailureReason}");
        }

        // A replay of the client's first flight, byte for byte.
        pipe.Server.Feed(clientHello!);
        Assert.Equal(DtlsState.Connected, pipe.Server.State);

        // Authentic records still pass both ways.
        Assert.True(pipe.Client.Send([1, 2, 3]));
        await WaitUntil(() => received.Count == 1);
        Assert.Equal([1, 2, 3], received.Single());
        var back = new ConcurrentQueue<byte[]>();
        pipe.Client.ApplicationDataReceived += data => back.Enqueue(data.ToArray());
        Assert.True(pipe.Server.Send([4, 5]));
        await WaitUntil(() => back.Count == 1);

        Assert.Equal(1, pipe.Server.Counters.DroppedFor(DtlsDropReason.Truncated));
        Assert.Equal(4, pipe.Server.Counters.DroppedFor(DtlsDropReason.Unauthenticated));
        Assert.Equal([DtlsState.Connecting, DtlsState.Connected], pipe.ServerStates.States);
        Assert.Equal([DtlsState.Connecting, DtlsState.Connected], pipe.ClientStates.States);
    }

    [Fact]
    public async Task A_record_larger_than_any_datagram_we_accept_is_dropped_as_too_large()
    {
        using var pipe = new DtlsPipe();
        await pipe.ConnectAsync();

        pipe.Server.Feed(ForgedDtlsRecords.Record(23, 1, 2000, new byte[DtlsTransportOptions.Default.MaxReceivedDatagramSize]));

        Assert.Equal(1, pipe.Server.Counters.DroppedFor(DtlsDropReason.TooLarge));
        Assert.Equal(DtlsState.Connected, pipe.Server.State);
    }
}
