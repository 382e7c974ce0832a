using System.Collections.Concurrent;
using System.Text;
using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsTransportLifecycleTests
{
    private static readonly DtlsTransportOptions FastRetransmit = new() { InitialRetransmitTimeout = TimeSpan.FromMilliseconds(150) };

    [Fact]
    public async Task Dropping_the_first_datagram_of_the_servers_flight_is_recovered_by_retransmission()
    {
        int dropped = 0;
        using var pipe = new DtlsPipe(
            serverOptions: FastRetransmit,
            clientOptions: FastRetransmit,
            dropFromServer: (index, _) => index == 0 && Interlocked.Increment(ref dropped) == 1);

        await pipe.ConnectAsync();

        Assert.Equal(1, dropped);
        Assert.Equal(pipe.Client.SrtpKeys!.LocalMasterKey.ToArray(), pipe.Server.SrtpKeys!.RemoteMasterKey.ToArray());
    }

    [Fact]
    public async Task Dropping_the_clients_final_flight_is_recovered_by_retransmission()
    {
        // The client's second flight (Certificate .. Finished) starts with its third datagram at the earliest.
        int dropped = 0;
        using var pipe = new DtlsPipe(
            serverOptions: FastRetransmit,
            clientOptions: FastRetransmit,
            dropFromClient: (index, datagram) => index > 0 && datagram[0] == 22 && Interlocked.CompareExchange(ref dropped, 1, 0) == 0);

        await pipe.ConnectAsync();

        Assert.Equal(1, dropped);
    }

    [Fact]
    public async Task Application_data_flows_both_ways()
    {
        using var pipe = new DtlsPipe();
        var atServer = new BlockingCollection<string>();
        var atClient = new BlockingCollection<string>();
        pipe.Server.ApplicationDataReceived += data => atServer.Add(Encoding.UTF8.GetString(data));
        pipe.Client.ApplicationDataReceived += data => atClient.Add(Encoding.UTF8.GetString(data));
        await pipe.ConnectAsync();

        Assert.True(pipe.Client.Send("hello server"u8));
        Assert.True(pipe.Server.Send("hello client"u8));

        Assert.True(atServer.TryTake(out string? serverGot, DtlsPipe.Patience));
        Assert.True(atClient.TryTake(out string? clientGot, DtlsPipe.Patience));
        Assert.Equal("hello server", serverGot);
        Assert.Equal("hello client", clientGot);
        Assert.Equal(1, pipe.Server.Counters.ApplicationMessagesReceived);
        Assert.Equal(1, pipe.Client.Counters.ApplicationMessagesSent);
    }

    [Fact]
    public void Send_before_connecting_returns_false()
    {
        using var transport = new DtlsTransport(TestCertificates.Client, _ => { });

        Assert.False(transport.Send("early"u8));
        Assert.Equal(0, transport.MaxApplicationDataSize);
    }

    [Fact]
    public async Task Send_refuses_more_than_one_record_holds()
    {
        using var pipe = new DtlsPipe();
        await pipe.ConnectAsync();

        int limit = pipe.Client.MaxApplicationDataSize;
        Assert.InRange(limit, 1000, 1200);
        Assert.True(pipe.Client.Send(new byte[limit]));
        Assert.Throws<ArgumentException>(() => pipe.Client.Send(new byte[limit + 1]));
    }

    [Fact]
    public async Task Close_sends_close_notify_and_the_peer_closes()
    {
        using var pipe = new DtlsPipe();
        await pipe.ConnectAsync();

        pipe.Client.Close();

        string? clientReason = await pipe.ClientStates.WaitForAsync(DtlsState.Closed);
        string? serverReason = await pipe.ServerStates.WaitForAsync(DtlsState.Closed);
        Assert.Contains("locally", clientReason);
        Assert.Contains("close_notify", serverReason);
        Assert.False(pipe.Server.Send("too late"u8));
    }

    [Fact]
    public async Task Server_side_close_closes_the_client_too()
    {
        using var pipe = new DtlsPipe();
        await pipe.ConnectAsync();

        pipe.Server.Close();

        await pipe.ServerStates.WaitForAsync(DtlsState.Closed);
        await pipe.ClientStates.WaitForAsync(DtlsState.Closed);
    }

    [Fact]
    public async Task Closing_during_the_handshake_ends_in_closed_not_failed()
    {
        // The server never answers, so the client is stuck mid-handshake when closed.
        using var client = new DtlsTransport(TestCertificates.Client, _ => { });
        var states = StateRecorder.Attach(client);
        client.Start(DtlsRole.Client, TestCertificates.Server.Fingerprints);
        await states.WaitForAsync(DtlsState.Connecting);

        client.Close();

        await states.WaitForAsync(DtlsState.Closed);
        Assert.Equal([DtlsState.Connecting, DtlsState.Closed], states.States);
    }

    [Fact]
    public void Closing_before_start_closes_and_later_datagrams_are_dropped()
    {
        using var transport = new DtlsTransport(TestCertificates.Server, _ => { });
        var states = StateRecorder.Attach(transport);

        transport.Close();
        transport.Feed([22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

        Assert.Equal(DtlsState.Closed, transport.State);
        Assert.Equal([DtlsState.Closed], states.States);
        Assert.Equal(1, transport.Counters.DroppedFor(DtlsDropReason.NotRunning));
        Assert.Throws<InvalidOperationException>(() => transport.Start(DtlsRole.Server, TestCertificates.Client.Fingerprints));
    }

    [Fact]
    public async Task Garbage_before_during_and_after_the_handshake_is_dropped_without_harm()
    {
        var random = new Random(1234);
        byte[] Garbage(int length)
        {
            byte[] bytes = new byte[length];
            random.Next();
            lock (random)
                random.NextBytes(bytes);
            return bytes;
        }

        DtlsPipe? pipeRef = null;
        int injected = 0;
        using var pipe = new DtlsPipe(dropFromServer: (_, _) =>
        {
            // Mid-handshake: a burst of junk alongside every server datagram.
            if (Interlocked.Increment(ref injected) <= 6)
                InjectJunk(pipeRef!.Client, Garbage);
            return false;
        });
        pipeRef = pipe;

        InjectJunk(pipe.Server, Garbage);
        InjectJunk(pipe.Client, Garbage);
        await pipe.ConnectAsync();
        InjectJunk(pipe.Server, Garbage);
        InjectJunk(pipe.Client, Garbage);

        var received = new BlockingCollection<byte[]>();
        pipe.Server.ApplicationDataReceived += data => received.Add(data.ToArray());
        Assert.True(pipe.Client.Send("still fine"u8));
        Assert.True(received.TryTake(out byte[]? message, DtlsPipe.Patience));
        Assert.Equal("still fine"u8.ToArray(), message);
        Assert.Equal(DtlsState.Connected, pipe.Server.State);
        Assert.Equal(DtlsState.Connected, pipe.Client.State);
        Assert.True(pipe.Server.Counters.DroppedFor(DtlsDropReason.NotDtls) > 0);
        Assert.True(pipe.Server.Counters.DroppedFor(DtlsDropReason.Truncated) > 0);
        Assert.True(pipe.Server.Counters.DroppedFor(DtlsDropReason.UnexpectedEpoch) > 0);
        Assert.True(pipe.Server.Counters.DroppedFor(DtlsDropReason.Malformed) > 0);
        Assert.True(pipe.Client.Counters.DatagramsDropped > 0);
    }

    private static void InjectJunk(DtlsTransport transport, Func<int, byte[]> garbage)
    {
        transport.Feed([]);
        transport.Feed(garbage(300));
        transport.Feed([0x80, 0x60, 0x00, 0x01]);
        transport.Feed([22, 0xFE, 0xFD, 0, 0]);

        // Well-formed headers around random bodies, in the epochs a real peer uses.
        foreach (byte contentType in new byte[] { 20, 21, 22, 23 })
        {
            foreach (ushort epoch in new ushort[] { 0, 1, 7 })
            {
                byte[] body = garbage(40);
                var header = new DtlsRecordHeader((DtlsContentType)contentType, 0xFEFD, epoch, 1000UL + epoch, (ushort)body.Length);
                byte[] record = new byte[DtlsRecordHeader.Size + body.Length];
                Assert.True(header.TryWrite(record, out _));
                body.CopyTo(record, DtlsRecordHeader.Size);
                transport.Feed(record);
                transport.Feed(record.AsSpan(0, record.Length - 5));
            }
        }
    }

    [Fact]
    public async Task A_throwing_application_data_handler_fails_the_transport_instead_of_the_process()
    {
        using var pipe = new DtlsPipe();
        pipe.Server.ApplicationDataReceived += _ => throw new InvalidOperationException("handler bug");
        await pipe.ConnectAsync();

        pipe.Client.Send("boom"u8);

        string? reason = await pipe.ServerStates.WaitForAsync(DtlsState.Failed);
        Assert.Contains("handler bug", reason);
    }

    [Fact]
    public async Task Counters_track_datagrams_and_bytes()
    {
        using var pipe = new DtlsPipe();

        await pipe.ConnectAsync();

        Assert.True(pipe.Server.Counters.DatagramsReceived > 0);
        Assert.Equal(pipe.Client.Counters.DatagramsSent, pipe.Server.Counters.DatagramsReceived);
        Assert.Equal(pipe.Client.Counters.BytesSent, pipe.Server.Counters.BytesReceived);
        Assert.Equal(0, pipe.Server.Counters.DatagramsDropped);
    }
}
