using Parley.Media.Net;
using Parley.Media.Tests.Routing;

namespace Parley.Media.Tests.Net;

/// <summary>The shared port's receive loop runs on a thread of its own, which must end with the server.</summary>
public sealed class UdpSocketListenerThreadTests
{
    [Fact]
    public async Task The_receive_thread_ends_when_the_server_is_disposed()
    {
        Assert.True(OperatingSystem.IsLinux(), "thread names are read from /proc");
        var server = new WebRtcServer(new WebRtcServerOptions { Port = 0 });
        server.Start();
        var name = $"udp-rx-{server.UdpPort}";
        Assert.Equal(1, CountThreads(name));

        server.Dispose();
        await Eventually.TrueAsync(() => Task.FromResult(CountThreads(name) == 0), "the receive thread to end");
    }

    private static int CountThreads(string name) =>
        Directory.GetDirectories("/proc/self/task").Count(task =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(task, "comm")).Trim() == name;
            }
            catch (IOException)
            {
                return false;
            }
        });
}
