using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>A server restart through a real SIGTERM: the page says so, and is back in the meeting by itself.</summary>
[Collection(MeetingCollection.Name)]
public sealed class ServerRestartTests(MeetingFixture fixture)
{
    private const string Restarting = "The server is restarting — reconnecting…";

    [Fact]
    public async Task After_SIGTERM_the_page_says_the_server_restarts_and_rejoins_when_it_is_back()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var log = new ServerLog();
        await using var alice = await fixture.OpenAsync("Alice", server.BaseAddress, log);
        await using var bob = await fixture.OpenAsync("Bob", server.BaseAddress, log);
        await alice.SignUpAsync();
        var joinCode = await alice.CreateRoomAsync();
        await alice.EnterCreatedRoomAsync();
        await bob.SignUpAsync();
        await bob.JoinByCodeAsync(joinCode);
        await alice.WaitForCameraAndMicAsync(bob);
        Assert.Equal(2, await server.RoomUserRowCountAsync());

        await server.TerminateAsync();

        // Told before the server went: the message shows, and the stop left no rows behind.
        await Expect(alice.ByTestId("connection-banner")).ToHaveTextAsync(Restarting);
        await Expect(bob.ByTestId("connection-banner")).ToHaveTextAsync(Restarting);
        Assert.Equal(0, await server.RoomUserRowCountAsync());
        Assert.Contains("Server stopping: removed 2 participants from 1 rooms", server.Output);

        await server.StartAsync();

        // Back in the same room by themselves, with media flowing again.
        var reconnect = new Microsoft.Playwright.LocatorAssertionsToBeHiddenOptions { Timeout = 60_000 };
        await Expect(alice.ByTestId("connection-banner")).ToBeHiddenAsync(reconnect);
        await Expect(bob.ByTestId("connection-banner")).ToBeHiddenAsync(reconnect);
        await alice.WaitForStatusAsync("joined");
        await bob.WaitForStatusAsync("joined");
        await alice.WaitForCameraAndMicAsync(bob, TimeSpan.FromSeconds(60));
        await bob.WaitForCameraAndMicAsync(alice, TimeSpan.FromSeconds(60));
        Assert.Equal(2, await server.RoomUserRowCountAsync());
    }
}
