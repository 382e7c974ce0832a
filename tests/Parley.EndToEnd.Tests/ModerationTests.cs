using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Roles and moderation in the people panel, in one meeting: the host mutes, asks to unmute (accepted), stops a
/// camera, stops a screen share (after showing it, a tile and the stage full screen), names a co-host (who then has
/// the host tools and mutes everyone), makes a viewer (no publish buttons), locks the room (a newcomer is refused with
/// the server's reason) and ends the meeting for everyone. Also the grid: two people side by side with the side panel
/// open.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class ModerationTests(MeetingFixture fixture)
{
    [Fact]
    public async Task Hosts_moderate_from_the_people_panel_and_each_role_sees_its_controls()
    {
        await using var host = await fixture.OpenAsync("Host");
        await using var bob = await fixture.OpenAsync("Bob");
        await using var carol = await fixture.OpenAsync("Carol");
        await using var dave = await fixture.OpenAsync("Dave");
        await host.SignUpAsync();
        var joinCode = await host.CreateRoomAsync();
        await host.EnterCreatedRoomAsync();
        await bob.SignUpAsync();
        await bob.JoinByCodeAsync(joinCode);
        await host.WaitForConsoleAsync($"{bob.Name} joined");

        // Two people sit side by side even with the host's people panel open.
        await Expect(host.ByTestId("side-panel")).ToBeVisibleAsync();
        await WaitForSideBySideAsync(host);
        await host.ScreenshotAsync("moderation-01-two-side-by-side.png");
        await Expect(host.ByTestId($"role-{host.UserId}")).ToHaveTextAsync("host");

        await carol.JoinAsGuestAsync(joinCode);
        // A third person joining a loaded machine: the camera may take longer than the default 20 s to decode.
        await host.WaitForCameraAndMicAsync(carol, TimeSpan.FromSeconds(45));
        var carolMic = host.TileOf(carol).GetByTestId("mic-indicator");
        await Expect(carolMic).ToHaveAttributeAsync("data-active", "true");

        // Mute: the server pauses Carol's mic; her own button follows (red) and everyone's tile shows it.
        await host.ByTestId($"mute-{carol.UserId}").ClickAsync();
        await Expect(carol.ByTestId("btn-mic")).ToHaveAttributeAsync("data-active", "false");
        await Expect(carolMic).ToHaveAttributeAsync("data-active", "false");
        await carol.WaitForConsoleAsync("A host muted your microphone");
        await carol.ScreenshotAsync("moderation-02-muted-by-host.png");

        // Ask to unmute: a request Carol accepts; nobody turns her mic on for her.
        await host.ByTestId($"ask-unmute-{carol.UserId}").ClickAsync();
        await Expect(carol.ByTestId("unmute-prompt")).ToBeVisibleAsync();
        await carol.ScreenshotAsync("moderation-03-asked-to-unmute.png");
        await carol.ByTestId("btn-accept-unmute").ClickAsync();
        await Expect(carol.ByTestId("btn-mic")).ToHaveAttributeAsync("data-active", "true");
        await Expect(carolMic).ToHaveAttributeAsync("data-active", "true");

        // Stop camera: the server closes Carol's camera producer.
        await host.ByTestId($"stop-cam-{carol.UserId}").ClickAsync();
        await Expect(carol.ByTestId("btn-cam")).ToHaveAttributeAsync("data-active", "false");
        await Expect(host.TileOf(carol).GetByTestId("cam-indicator")).ToHaveAttributeAsync("data-active", "false");
        await Expect(host.TileOf(carol)).ToHaveAttributeAsync("data-has-video", "false");

        // Bob shares his screen (Chromium's fake capture); the host shows it full screen, then a tile, then the stage.
        await bob.ByTestId("btn-screen").ClickAsync();
        await Expect(bob.ByTestId("btn-screen")).ToHaveAttributeAsync("data-active", "true");
        await host.WaitForReceivedAsync(bob, tracks => tracks.Any(t => t is { Kind: "video", Source: "screen", FramesDecoded: > 0 }), "Bob's screen");
        var bobScreenOnHost = host.Page.Locator($"[data-testid=screen-tile][data-user-id='{bob.UserId}']");
        await Expect(bobScreenOnHost).ToBeVisibleAsync();
        await ToggleFullscreenAsync(host, bobScreenOnHost.GetByTestId("btn-fullscreen"), $"screen-tile:{bob.UserId}", "moderation-04a-screen-full-screen.png");
        await ToggleFullscreenAsync(host, host.TileOf(bob).GetByTestId("btn-fullscreen"), $"tile:{bob.UserId}", "moderation-04b-tile-full-screen.png");
        await ToggleFullscreenAsync(host, host.ByTestId("btn-fullscreen-stage"), "stage", "moderation-04c-stage-full-screen.png");

        // Stop screen share: the server closes Bob's screen producer; it ends on both pages and his button is off.
        await host.ByTestId($"stop-screen-{bob.UserId}").ClickAsync();
        await Expect(bob.ByTestId("btn-screen")).ToHaveAttributeAsync("data-active", "false");
        await bob.WaitForConsoleAsync("A host stopped your screen share");
        await Expect(bob.ByTestId("screen-tile")).ToHaveCountAsync(0);
        await Expect(bobScreenOnHost).ToHaveCountAsync(0);
        await Expect(host.TileOf(bob).GetByTestId("screen-indicator")).ToHaveAttributeAsync("data-active", "false");
        await host.WaitForReceivedAsync(bob, tracks => !tracks.Any(t => t.Source is "screen" or "screenAudio"), "no screen consumers");
        await bob.ScreenshotAsync("moderation-04d-screen-stopped.png");

        // Make co-host: Bob gets the host tools and can mute everyone (not the hosts).
        await host.ByTestId($"make-cohost-{bob.UserId}").ClickAsync();
        await Expect(host.ByTestId($"role-{bob.UserId}")).ToHaveTextAsync("co-host");
        await bob.ByTestId("btn-people").ClickAsync();
        await Expect(bob.ByTestId("btn-mute-all")).ToBeVisibleAsync();
        await Expect(bob.ByTestId($"mute-{carol.UserId}")).ToBeVisibleAsync();
        // Only the owner names co-hosts: a co-host is not offered it.
        await Expect(bob.ByTestId($"make-cohost-{carol.UserId}")).ToHaveCountAsync(0);
        await bob.ScreenshotAsync("moderation-04-co-host-tools.png");
        await bob.ByTestId("btn-mute-all").ClickAsync();
        await Expect(carol.ByTestId("btn-mic")).ToHaveAttributeAsync("data-active", "false");
        await Expect(host.ByTestId("btn-mic")).ToHaveAttributeAsync("data-active", "true");

        // A viewer watches: no mic, camera or screen buttons; made a participant again, they come back.
        await host.ByTestId($"make-viewer-{carol.UserId}").ClickAsync();
        await Expect(host.ByTestId($"role-{carol.UserId}")).ToHaveTextAsync("viewer");
        await Expect(carol.ByTestId("btn-mic")).ToBeHiddenAsync();
        await Expect(carol.ByTestId("btn-cam")).ToBeHiddenAsync();
        await Expect(carol.ByTestId("btn-screen")).ToBeHiddenAsync();
        await carol.ScreenshotAsync("moderation-05-viewer.png");
        await host.ByTestId($"make-participant-{carol.UserId}").ClickAsync();
        await Expect(carol.ByTestId("btn-mic")).ToBeVisibleAsync();

        // Lock: nobody new gets in, and the page says why (the server's reason).
        await host.ByTestId("btn-lock").ClickAsync();
        await Expect(host.ByTestId("btn-lock")).ToHaveAttributeAsync("data-active", "true");
        await dave.TryJoinAsGuestAsync(joinCode);
        await Expect(dave.ByTestId("message-view")).ToHaveAttributeAsync("data-reason", "error");
        await Expect(dave.ByTestId("error-message")).ToContainTextAsync("Room is locked");
        await dave.ScreenshotAsync("moderation-06-locked-out.png");

        // End the meeting for everyone (after a confirmation).
        host.Page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await host.ScreenshotAsync("moderation-07-host-panel.png");
        await host.ByTestId("btn-end-meeting").ClickAsync();
        foreach (var person in new[] { bob, carol })
        {
            await Expect(person.ByTestId("message-view")).ToHaveAttributeAsync("data-reason", "roomClosed");
        }

        await Expect(host.ByTestId("message-view")).ToHaveAttributeAsync("data-reason", "roomClosed");
        await bob.ScreenshotAsync("moderation-08-meeting-ended.png");
    }

    /// <summary>
    /// Clicks a full-screen button and waits until <c>document.fullscreenElement</c> is the expected element
    /// (<c>testid:userId</c>, or <c>stage</c>), takes a screenshot, then leaves full screen: a tile's own button, which
    /// stays on screen; the stage covers the control bar, and Escape (what a person presses) is handled by the browser's
    /// window, which headless Chromium does not have, so there the page's <c>document.exitFullscreen()</c> stands in.
    /// </summary>
    private static async Task ToggleFullscreenAsync(Participant person, ILocator button, string expected, string screenshot)
    {
        const string FullscreenElement = """
            () => {
              const e = document.fullscreenElement;
              if (!e) return '';
              return e.classList.contains('stage') ? 'stage' : `${e.dataset.testid}:${e.dataset.userId ?? ''}`;
            }
            """;
        await button.ClickAsync();
        await person.Page.WaitForFunctionAsync($"expected => ({FullscreenElement})() === expected", expected);
        await person.ScreenshotAsync(screenshot);
        if (expected == "stage")
        {
            await person.Page.EvaluateAsync("() => document.exitFullscreen()");
        }
        else
        {
            await button.ClickAsync();
        }

        await person.Page.WaitForFunctionAsync("() => document.fullscreenElement === null");
    }

    /// <summary>Waits until the first two tiles are in one row, next to each other, and returns their boxes.</summary>
    internal static async Task WaitForSideBySideAsync(Participant person)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string seen;
        while (true)
        {
            var boxes = await person.Page.GetByTestId("tile").EvaluateAllAsync<double[][]>(
                "tiles => tiles.map((t) => { const r = t.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })");
            seen = string.Join("; ", boxes.Select(b => string.Join(",", b.Select(v => Math.Round(v)))));
            if (boxes.Length == 2 && Math.Abs(boxes[0][1] - boxes[1][1]) < 2 && Math.Abs(boxes[0][0] - boxes[1][0]) >= boxes[0][2]
                && boxes[0][2] > 200 && boxes[0][3] > 100)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{person.Name}: two tiles not side by side: {seen}");
            await Task.Delay(100);
        }
    }
}
