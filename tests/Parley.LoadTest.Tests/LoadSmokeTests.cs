namespace Parley.LoadTest.Tests;

/// <summary>The load generator's smoke scenario against the real server process: 2 rooms x 3 participants.</summary>
public sealed class LoadSmokeTests
{
    [Fact]
    public async Task EveryParticipantReceivesEveryOthersAudioAndVideoWithoutLoss()
    {
        await using var server = await ServerProcess.StartAsync();
        var options = new LoadOptions
        {
            Server = server.BaseAddress,
            Rooms = 2,
            Size = 3,
            Publishers = 3,
            Duration = TimeSpan.FromSeconds(3),
            ServerPid = server.Pid,
            Quiet = true,
        };
        options.Validate();

        var report = await new LoadRun(options, TextWriter.Null).RunAsync(CancellationToken.None);

        var table = report.ToTable() + "\nserver:\n" + server.Output;
        Assert.True(report.Complete, table);
        Assert.Equal(6, report.ParticipantsReceivingAll);
        Assert.Equal(6 * 2 * 2, report.StreamsForwarded); // each of 6 consumes 2 others' audio and video
        Assert.True(report.PacketsExpected > 0, table);
        Assert.True(report.PacketsLost == 0, table);
        Assert.True(report.LatencySamples > 0, table);
        Assert.Equal(4, report.JoinSamples); // the second and third seat of each room found a camera there
        Assert.Empty(report.Errors);
    }

    [Fact]
    public void RefusesAServerThatIsNotOnLoopback()
    {
        var error = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--server", "http://192.0.2.1:5000"]));
        Assert.Contains("not a loopback address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spreads_over_the_nodes_given_by_urls_and_refuses_one_off_loopback()
    {
        var options = LoadOptions.Parse(["--urls", "http://127.0.0.1:5055, http://127.0.0.1:5056"]);
        Assert.Equal([new Uri("http://127.0.0.1:5055"), new Uri("http://127.0.0.1:5056")], options.Nodes);
        Assert.Equal(new Uri("http://127.0.0.1:5055"), options.Server);
        Assert.Equal([new Uri("http://127.0.0.1:5000")], LoadOptions.Parse(["--server", "http://127.0.0.1:5000"]).Nodes);

        var error = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--urls", "http://127.0.0.1:5055,http://192.0.2.1:5056"]));
        Assert.Contains("192.0.2.1", error.Message, StringComparison.Ordinal);
    }
}
