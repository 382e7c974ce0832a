using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>The own tile's indicators follow what this page sends, not the server's flags a round trip later.</summary>
[Collection(MeetingCollection.Name)]
public sealed class OwnTileTests(MeetingFixture fixture)
{
    /// <summary>
    /// Counts every moment (each DOM change) at which the own tile plays its camera while its camera indicator says
    /// off, or the other way round. A flag that waits for the server shows such a moment on entry and on each toggle.
    /// </summary>
    private const string MismatchRecorder = """
        (() => {
          window.__ownTileMismatches = [];
          const check = () => {
            const tile = document.querySelector('[data-testid=tile][data-self=true]');
            const indicator = tile?.querySelector('[data-testid=cam-indicator]');
            if (!tile || !indicator || indicator.dataset.active === undefined) return;
            const playing = tile.dataset.hasVideo === 'true';
            const on = indicator.dataset.active === 'true';
            if (playing !== on) window.__ownTileMismatches.push(`video ${playing}, indicator ${on}`);
          };
          const start = () => new MutationObserver(check).observe(document.documentElement, { subtree: true, childList: true, attributes: true });
          if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
        })();
        """;

    [Fact]
    public async Task The_own_camera_indicator_is_on_exactly_while_the_own_tile_plays_the_camera()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await alice.Page.AddInitScriptAsync(MismatchRecorder);
        await alice.SignUpAsync();
        await alice.CreateRoomAsync();
        await alice.EnterCreatedRoomAsync();
        var ownTile = alice.Page.Locator("[data-testid=tile][data-self=true]");
        await Expect(ownTile).ToHaveAttributeAsync("data-has-video", "true");
        await Expect(ownTile.GetByTestId("cam-indicator")).ToHaveAttributeAsync("data-active", "true");
        await fixture.Server.WaitForRowAsync(alice.RoomId!, alice.UserId!, row => row is { Cam: true }, "camera on");

        await alice.ByTestId("btn-cam").ClickAsync();
        await Expect(ownTile).ToHaveAttributeAsync("data-has-video", "false");
        await Expect(ownTile.GetByTestId("cam-indicator")).ToHaveAttributeAsync("data-active", "false");
        await fixture.Server.WaitForRowAsync(alice.RoomId!, alice.UserId!, row => row is { Cam: false }, "camera off");

        await alice.ByTestId("btn-cam").ClickAsync();
        await Expect(ownTile).ToHaveAttributeAsync("data-has-video", "true");
        await fixture.Server.WaitForRowAsync(alice.RoomId!, alice.UserId!, row => row is { Cam: true }, "camera on again");
        // The server's broadcast of the camera is in by now; it must not have turned the own indicator off.
        await Expect(ownTile.GetByTestId("cam-indicator")).ToHaveAttributeAsync("data-active", "true");

        var mismatches = await alice.Page.EvaluateAsync<string[]>("() => window.__ownTileMismatches");
        Assert.Empty(mismatches);
    }
}
