using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Notices (joined, left, lost connection, back), the tile of someone whose connection is lost, a reload that
/// rejoins without the others seeing a leave, sign-in kept in a new tab, speaker view and pin, network quality,
/// "Ask again" after a denial and the page's own not-found screen.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class ConnectionAndNavigationTests(MeetingFixture fixture)
{
    [Fact]
    public async Task Lost_connections_and_reloads_show_as_such_and_sign_in_survives_a_new_tab()
    {
        await using var host = await fixture.OpenAsync("Host");
        await using var bob = await fixture.OpenAsync("Bob");
        // Bob's hub WebSocket goes through Playwright so that the test can cut it like a network drop.
        IWebSocketRoute? bobSocket = null;
        IWebSocketRoute? bobServerSocket = null;
        await bob.Page.RouteWebSocketAsync("**/ws**", socket =>
        {
            bobSocket = socket;
            bobServerSocket = socket.ConnectToServer();
        });
        await host.SignUpAsync();
        var joinCode = await host.CreateRoomAsync();
        await host.EnterCreatedRoomAsync();
        await bob.SignUpAsync();
        await bob.JoinByCodeAsync(joinCode);
        await host.WaitForConsoleAsync($"{bob.Name} joined");
        await host.WaitForCameraAndMicAsync(bob);

        // Network quality of Bob's streams on the host's tile, from the browser's stats.
        var quality = host.TileOf(bob).GetByTestId("network-quality");
        await Expect(quality).ToHaveAttributeAsync("data-level", new System.Text.RegularExpressions.Regex("^[0-3]$"));
        await Expect(quality).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("loss .* %"));

        // Speaker view by pinning Bob: his tile is featured, bigger than the host's own.
        await host.TileOf(bob).GetByTestId("btn-pin").ClickAsync();
        await Expect(host.ByTestId("grid")).ToHaveAttributeAsync("data-layout", "speaker");
        var featured = await host.TileOf(bob).BoundingBoxAsync();
        var own = await host.Page.Locator("[data-testid=tile][data-self=true]").BoundingBoxAsync();
        Assert.True(featured!.Width > own!.Width * 2, $"featured {featured.Width} px, own {own.Width} px");
        await host.ScreenshotAsync("connection-01-pinned-speaker-view.png");
        await host.TileOf(bob).GetByTestId("btn-pin").ClickAsync();
        await Expect(host.ByTestId("grid")).ToHaveAttributeAsync("data-layout", "grid");

        // A network drop: Bob's connection is cut and he cannot reconnect while offline. He keeps his place; the
        // host's page says so and dims his tile.
        await bob.Page.Context.SetOfflineAsync(true);
        Assert.NotNull(bobSocket);
        await bobServerSocket!.CloseAsync();
        await bobSocket!.CloseAsync();
        await host.WaitForConsoleAsync($"{bob.Name} lost connection");
        await Expect(host.TileOf(bob)).ToHaveAttributeAsync("data-connection", "lost");
        await Expect(host.TileOf(bob).GetByTestId("tile-lost")).ToBeVisibleAsync();
        await host.ScreenshotAsync("connection-02-lost.png");
        await bob.Page.Context.SetOfflineAsync(false);
        await host.WaitForConsoleAsync($"{bob.Name} is back", TimeSpan.FromSeconds(30));
        await Expect(host.TileOf(bob)).ToHaveAttributeAsync("data-connection", "ok");
        Assert.False(host.ConsoleContains($"{bob.Name} left"), "the host saw Bob leave during a short drop");

        // A reload rejoins the same room by itself, with no leave and join for the others.
        await bob.Page.ReloadAsync();
        await bob.WaitForStatusAsync("joined");
        await Expect(bob.ByTestId("prejoin-view")).ToHaveCountAsync(0);
        await host.WaitForCameraAndMicAsync(bob, TimeSpan.FromSeconds(30));
        await bob.WaitForCameraAndMicAsync(host, TimeSpan.FromSeconds(30));
        await Expect(host.Page.GetByTestId("tile")).ToHaveCountAsync(2);
        Assert.False(host.ConsoleContains($"{bob.Name} left"), "the host saw Bob leave on a reload");
        Assert.Equal(1, host.CountConsole($"{bob.Name} joined"));
        await bob.ScreenshotAsync("connection-03-after-reload.png");

        // Signed in in a new tab of the same browser (localStorage), not asked to sign in again.
        var tab = await bob.Page.Context.NewPageAsync();
        await tab.GotoAsync("/");
        await Expect(tab.GetByTestId("home-view")).ToBeVisibleAsync();
        await Expect(tab.GetByTestId("user-name")).ToHaveTextAsync(bob.Name);
        await tab.ScreenshotAsync(new() { Path = Participant.ScreenshotPath("connection-04-new-tab-signed-in.png") });
        await tab.CloseAsync();

        // The speaker picker where the browser can choose an output (Chromium can).
        await bob.ByTestId("btn-settings").ClickAsync();
        await Expect(bob.ByTestId("settings-speaker")).ToBeVisibleAsync();
        await bob.ByTestId("btn-settings").ClickAsync();

        // Leaving says so, with the reason's wording.
        await bob.ByTestId("btn-leave").ClickAsync();
        await host.WaitForConsoleAsync($"{bob.Name} left");
        await Expect(host.TileOf(bob)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_denied_guest_can_ask_again_and_an_unknown_path_shows_the_pages_not_found()
    {
        await using var host = await fixture.OpenAsync("Host");
        await using var carol = await fixture.OpenAsync("Carol");
        await host.SignUpAsync();
        var joinCode = await host.CreateRoomAsync(waitingRoom: true);
        await host.EnterCreatedRoomAsync();

        await carol.JoinAsGuestAsync(joinCode, expectedStatus: "waiting");
        var request = host.Page.Locator("[data-testid^='join-request-']", new() { HasText = carol.Name });
        var carolId = await request.GetAttributeAsync("data-user-id");
        await host.ByTestId($"deny-{carolId}").ClickAsync();
        await Expect(carol.ByTestId("message-view")).ToHaveAttributeAsync("data-reason", "denied");
        await carol.ScreenshotAsync("navigation-01-denied-ask-again.png");

        await carol.ByTestId("btn-ask-again").ClickAsync();
        await carol.WaitForStatusAsync("waiting");
        await host.ByTestId($"admit-{carolId}").ClickAsync();
        await carol.WaitForStatusAsync("joined");
        await Expect(host.Page.GetByTestId("tile")).ToHaveCountAsync(2);

        await carol.ByTestId("btn-leave").ClickAsync();
        await carol.Page.GotoAsync("/no/such/page");
        await Expect(carol.ByTestId("message-view")).ToHaveAttributeAsync("data-reason", "notFound");
        await Expect(carol.ByTestId("message-title")).ToHaveTextAsync("Page not found");
        await carol.ScreenshotAsync("navigation-02-not-found.png");
    }
}
