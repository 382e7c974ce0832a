using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Room settings from the room list (PATCH) and inside the meeting (<c>updateRoom</c>), applied live and enforced by
/// the server: mute and cameras off on entry, who may unmute, who may share the screen, the highest video quality
/// (the consumer's layer), the most participants, and video off.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class RoomSettingsTests(MeetingFixture fixture)
{
    [Fact]
    public async Task Settings_changed_at_home_and_in_the_meeting_apply_live()
    {
        await using var host = await fixture.OpenAsync("Host");
        await using var bob = await fixture.OpenAsync("Bob");
        await using var carol = await fixture.OpenAsync("Carol");
        await host.SignUpAsync();
        var joinCode = await host.CreateRoomAsync();

        // From the room list, before the meeting: microphones muted and cameras off on entry.
        await host.ByTestId("created-room").GetByTestId("btn-room-settings").ClickAsync();
        await Expect(host.ByTestId("settings-dialog")).ToBeVisibleAsync();
        await host.ByTestId("setting-mute-on-entry").CheckAsync();
        await host.ByTestId("setting-cam-off-on-entry").CheckAsync();
        await host.ScreenshotAsync("settings-01-dialog-from-home.png");
        await host.ByTestId("btn-settings-save").ClickAsync();
        await Expect(host.ByTestId("settings-dialog")).ToHaveCountAsync(0);

        await host.EnterCreatedRoomAsync();
        await bob.SignUpAsync();
        await bob.JoinByCodeAsync(joinCode);
        // Bob came in with his mic on: the server paused it, and his page shows it muted (red).
        await Expect(bob.ByTestId("btn-mic")).ToHaveAttributeAsync("data-active", "false");
        await Expect(host.TileOf(bob).GetByTestId("mic-indicator")).ToHaveAttributeAsync("data-active", "false");
        await bob.WaitForConsoleAsync("Microphones are muted on entry");
        // His camera was on at pre-join: the server started it paused, his page turns it off, the host sees no video.
        await Expect(bob.ByTestId("btn-cam")).ToHaveAttributeAsync("data-active", "false");
        await bob.WaitForConsoleAsync("Cameras are off on entry");
        await Expect(host.TileOf(bob).GetByTestId("cam-indicator")).ToHaveAttributeAsync("data-active", "false");
        await Expect(host.TileOf(bob)).ToHaveAttributeAsync("data-has-video", "false");
        await bob.ScreenshotAsync("settings-02-muted-on-entry.png");
        // He may unmute himself (who may unmute: everyone) and turn his camera on.
        await bob.ByTestId("btn-mic").ClickAsync();
        await Expect(host.TileOf(bob).GetByTestId("mic-indicator")).ToHaveAttributeAsync("data-active", "true");
        await bob.ByTestId("btn-cam").ClickAsync();
        await Expect(bob.ByTestId("btn-cam")).ToHaveAttributeAsync("data-active", "true");
        await host.WaitForCameraAndMicAsync(bob);
        await Expect(host.TileOf(bob)).ToHaveAttributeAsync("data-has-video", "true");

        // Only hosts unmute people: muted by the host, Bob cannot unmute himself until asked, and then accepts.
        await RoomSettings.ChangeAsync(host, async () => await host.ByTestId("setting-unmute").SelectOptionAsync("hosts"));
        await host.ByTestId($"mute-{bob.UserId}").ClickAsync();
        await Expect(bob.ByTestId("btn-mic")).ToHaveAttributeAsync("data-active", "false");
        await Expect(bob.ByTestId("btn-mic")).ToBeDisabledAsync();
        await Expect(host.TileOf(bob).GetByTestId("mic-indicator")).ToHaveAttributeAsync("data-active", "false");
        await bob.ScreenshotAsync("settings-02a-only-hosts-unmute.png");
        // The rule is the server's: the button forced on and clicked anyway, the resume is refused and the mic stays off.
        await bob.Page.EvaluateAsync("() => { const mic = document.querySelector('[data-testid=btn-mic]'); mic.disabled = false; mic.click(); }");
        await bob.WaitForConsoleAsync("only hosts can unmute people in this room");
        await Expect(bob.ByTestId("btn-mic")).ToBeDisabledAsync();
        await Expect(bob.ByTestId("btn-mic")).ToHaveAttributeAsync("data-active", "false");
        await Expect(host.TileOf(bob).GetByTestId("mic-indicator")).ToHaveAttributeAsync("data-active", "false");
        await host.ByTestId($"ask-unmute-{bob.UserId}").ClickAsync();
        await Expect(bob.ByTestId("unmute-prompt")).ToBeVisibleAsync();
        await bob.ByTestId("btn-accept-unmute").ClickAsync();
        await Expect(bob.ByTestId("btn-mic")).ToHaveAttributeAsync("data-active", "true");
        await Expect(host.TileOf(bob).GetByTestId("mic-indicator")).ToHaveAttributeAsync("data-active", "true");

        // Inside the meeting: only hosts share the screen. Bob's button goes; the host keeps it.
        await Expect(bob.ByTestId("btn-screen")).ToBeVisibleAsync();
        await RoomSettings.ChangeAsync(host, async () => await host.ByTestId("setting-share").SelectOptionAsync("hosts"));
        await Expect(bob.ByTestId("btn-screen")).ToBeHiddenAsync();
        await Expect(host.ByTestId("btn-screen")).ToBeVisibleAsync();
        await bob.WaitForConsoleAsync("A host changed the room's settings");

        // The highest video quality: with a big window the host's page asks for an upper layer of Bob's camera;
        // capped at 180 lines the server forwards only the lowest.
        await host.Page.SetViewportSizeAsync(1920, 1080);
        await host.WaitForCameraAsync(bob, c => c is { SpatialLayer: >= 1, FramesDecoded: > 0 }, "an upper layer", TimeSpan.FromSeconds(40));
        await RoomSettings.ChangeAsync(host, async () => await host.ByTestId("setting-max-height").SelectOptionAsync("180"));
        var capped = await host.WaitForCameraAsync(bob, c => c is { SpatialLayer: 0 } && c.FrameWidth is > 0 and <= 320, "the lowest layer", TimeSpan.FromSeconds(30));
        Assert.True(capped.TileWidth > 400, $"the tile ({capped.TileWidth} px) would want an upper layer without the cap");
        await host.ScreenshotAsync("settings-03-video-capped.png");
        await host.Page.SetViewportSizeAsync(1024, 640);

        // The most participants: two (the host counts) — Carol is refused, with the server's reason.
        await RoomSettings.ChangeAsync(host, async () => await host.ByTestId("setting-max-participants").FillAsync("2"));
        await carol.TryJoinAsGuestAsync(joinCode);
        await Expect(carol.ByTestId("error-message")).ToContainTextAsync("Room is full");
        await carol.ScreenshotAsync("settings-04-room-full.png");

        // Video off: Bob's camera stops, his camera button goes, and the host sees no video from him.
        await RoomSettings.ChangeAsync(host, async () => await host.ByTestId("setting-video").UncheckAsync());
        await Expect(bob.ByTestId("btn-cam")).ToBeHiddenAsync();
        await Expect(host.TileOf(bob)).ToHaveAttributeAsync("data-has-video", "false");
        await Expect(host.TileOf(bob).GetByTestId("cam-indicator")).ToHaveAttributeAsync("data-active", "false");
        await bob.ScreenshotAsync("settings-05-video-off.png");
    }
}
