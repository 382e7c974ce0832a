using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsTransportQueueTests
{
    private static readonly byte[] ChangeCipherSpec = [20, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1];

    [Fact]
    public async Task A_client_hello_that_arrives_before_start_is_kept_for_the_server()
    {
        // ICE may connect and the browser send its ClientHello before signaling delivers connect().
        using var pipe = new DtlsPipe();
        pipe.Client.Start(DtlsRole.Client, TestCertificates.Server.Fingerprints);
        var deadline = DateTime.UtcNow + DtlsPipe.Patience;
        while (pipe.Server.Counters.DatagramsReceived == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        Assert.Equal(DtlsState.New, pipe.Server.State);

        pipe.Server.Start(DtlsRole.Server, TestCertificates.Client.Fingerprints);

        await pipe.ServerStates.WaitForAsync(DtlsState.Connected);
        await pipe.ClientStates.WaitForAsync(DtlsState.Connected);
    }

    [Fact]
    public void Datagrams_beyond_the_queue_capacity_are_dropped_and_counted()
    {
        using var transport = new DtlsTransport(TestCertificates.Server, _ => { }, new DtlsTransportOptions { ReceiveQueueCapacity = 2 });

        for (int i = 0; i < 5; i++)
            transport.Feed(ChangeCipherSpec);

        Assert.Equal(5, transport.Counters.DatagramsReceived);
        Assert.Equal(5 * ChangeCipherSpec.Length, transport.Counters.BytesReceived);
        Assert.Equal(3, transport.Counters.DroppedFor(DtlsDropReason.QueueFull));
        Assert.Equal(3, transport.Counters.DatagramsDropped);
    }

    [Fact]
    public void Oversized_datagrams_are_dropped_and_counted()
    {
        using var transport = new DtlsTransport(TestCertificates.Server, _ => { }, new DtlsTransportOptions { MaxReceivedDatagramSize = 1500 });
        byte[] big = new byte[1600];
        new DtlsRecordHeader(DtlsContentType.ApplicationData, 0xFEFD, 1, 1, (ushort)(big.Length - DtlsRecordHeader.Size)).TryWrite(big, out _);

        transport.Feed(big);

        Assert.Equal(1, transport.Counters.DroppedFor(DtlsDropReason.TooLarge));
    }
}
