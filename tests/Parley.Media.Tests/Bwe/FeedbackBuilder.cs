using Parley.Media.Rtcp;

namespace Parley.Media.Tests.Bwe;

/// <summary>Writes real transport-cc feedback packets (through RtcpTransportFeedback.TryWrite) for tests.</summary>
internal static class FeedbackBuilder
{
    public static byte[] Build(params TransportCcArrival[] arrivals)
    {
        var buffer = new byte[16 + (arrivals.Length * 4) + 64];
        Assert.True(RtcpTransportFeedback.TryWrite(buffer, 1, 2, 0, arrivals, out var written));
        return buffer[..written];
    }

    public static RtcpTransportFeedback Parse(byte[] packet)
    {
        Assert.True(RtcpTransportFeedback.TryParse(packet, out var feedback));
        return feedback;
    }
}
