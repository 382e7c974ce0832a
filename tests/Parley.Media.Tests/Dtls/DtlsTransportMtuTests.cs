using Parley.Media.Dtls;

namespace Parley.Media.Tests.Dtls;

public sealed class DtlsTransportMtuTests
{
    [Theory]
    [InlineData(1200)]
    [InlineData(300)]
    public async Task Handshake_datagrams_never_exceed_the_configured_size(int maxDatagramSize)
    {
        var options = new DtlsTransportOptions { MaxDatagramSize = maxDatagramSize };
        int largest = 0;
        bool Observe(byte[] datagram)
        {
            int seen;
            do
            {
                seen = Volatile.Read(ref largest);
            }
            while (datagram.Length > seen && Interlocked.CompareExchange(ref largest, datagram.Length, seen) != seen);
            return false;
        }

        using var pipe = new DtlsPipe(options, options, (_, d) => Observe(d), (_, d) => Observe(d));

        await pipe.ConnectAsync();

        Assert.InRange(largest, 100, maxDatagramSize);
        Assert.InRange(pipe.Client.MaxApplicationDataSize, 1, maxDatagramSize);
    }
}
