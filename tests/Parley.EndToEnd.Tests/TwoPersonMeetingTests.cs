using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>Two people in a meeting through the real page, server and SFU.</summary>
[Collection(MeetingCollection.Name)]
public sealed class TwoPersonMeetingTests(MeetingFixture fixture)
{
    [Fact]
    public async Task Both_see_and_hear_each_other_then_mute_share_the_screen_and_leave()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await using var bob = await fixture.OpenAsync("Bob");
        await alice.SignUpAsync();
        var joinCode = await alice.CreateRoomAsync();
        await alice.EnterCreatedRoomAsync();
        await bob.SignUpAsync();
        await bob.JoinByCodeAsync(joinCode);
        var roomId = alice.RoomId!;
        Assert.Equal(roomId, bob.RoomId);

        await alice.WaitForCameraAndMicAsync(bob);
        await bob.WaitForCameraAndMicAsync(alice);
        await Expect(alice.TileOf(bob)).ToHaveAttributeAsync("data-has-video", "true");
        await Expect(bob.TileOf(alice)).ToHaveAttributeAsync("data-has-video", "true");
        await alice.ScreenshotAsync("two-participants-alice.png");
        await bob.ScreenshotAsync("two-participants-bob.png");

        // Mute: Bob's view and the database both say the mic is off.
        await fixture.Server.WaitForRowAsync(roomId, alice.UserId!, row => row is { Mic: true }, "mic on");
        await alice.ByTestId("btn-mic").ClickAsync();
        await Expect(alice.ByTestId("btn-mic")).ToHaveAttributeAsync("data-active", "false");
        await Expect(bob.TileOf(alice).GetByTestId("mic-indicator")).ToHaveAttributeAsync("data-active", "false");
        await fixture.Server.WaitForRowAsync(roomId, alice.UserId!, row => row is { Mic: false, Cam: true }, "mic off, camera on");

        // Screen share: a third track reaches Bob and the screen tile shows it.
        await alice.ByTestId("btn-screen").ClickAsync();
        await Expect(alice.ByTestId("btn-screen")).ToHaveAttributeAsync("data-active", "true");
        await bob.WaitForReceivedAsync(
            alice,
            tracks => tracks.Count(t => !t.Closed) >= 3 && tracks.Any(t => t is { Kind: "video", Source: "screen", FramesDecoded: > 0 }),
            "a decoded screen track beside camera and microphone");
        await Expect(bob.Page.Locator($"[data-testid=screen-tile][data-user-id='{alice.UserId}']")).ToBeVisibleAsync();
        await fixture.Server.WaitForRowAsync(roomId, alice.UserId!, row => row is { Screen: true }, "screen on");
        await alice.ScreenshotAsync("screen-share-alice.png");
        await bob.ScreenshotAsync("screen-share-bob.png");

        // Bob leaves: Alice's tile and consumers of him go, and so does his row.
        await bob.ByTestId("btn-leave").ClickAsync();
        await Expect(bob.ByTestId("message-view")).ToHaveAttributeAsync("data-reason", "left");
        await Expect(alice.TileOf(bob)).ToHaveCountAsync(0);
        await fixture.Server.WaitForRowAsync(roomId, bob.UserId!, row => row is null, "no row");
        await alice.WaitForReceivedAsync(bob, tracks => tracks.Count == 0, "nothing left");
        Assert.NotNull(await fixture.Server.RoomUserRowAsync(roomId, alice.UserId!));
    }

    [Fact]
    public async Task A_late_joiner_receives_every_existing_producer()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await using var bob = await fixture.OpenAsync("Bob");
        await using var carol = await fixture.OpenAsync("Carol");
        await alice.SignUpAsync();
        var joinCode = await alice.CreateRoomAsync();
        await alice.EnterCreatedRoomAsync();
        await bob.JoinAsGuestAsync(joinCode);
        await alice.WaitForCameraAndMicAsync(bob);
        await alice.ByTestId("btn-screen").ClickAsync();
        await bob.WaitForReceivedAsync(alice, tracks => tracks.Any(t => t is { Source: "screen", FramesDecoded: > 0 }), "the screen");

        await carol.JoinAsGuestAsync(joinCode);

        var fromAlice = await carol.WaitForReceivedAsync(
            alice,
            tracks => tracks.Any(t => t is { Source: "cam", FramesDecoded: > 0 })
                && tracks.Any(t => t is { Source: "screen", FramesDecoded: > 0 })
                && tracks.Any(t => t is { Source: "mic", PacketsReceived: > 0 }),
            "camera and screen frames decoded and microphone packets");
        Assert.All(fromAlice, t => Assert.False(t.Closed));
        // Every producer: camera, microphone, screen and (Chromium's fake capture has sound) screen audio.
        Assert.True(await ReceivesEveryProducerAsync(carol, alice), "Carol does not get every producer of Alice");
        Assert.True(await ReceivesEveryProducerAsync(carol, bob), "Carol does not get every producer of Bob");
        await carol.WaitForCameraAndMicAsync(bob);
        await alice.WaitForCameraAndMicAsync(carol);
        await bob.WaitForCameraAndMicAsync(carol);
        await Expect(carol.Page.GetByTestId("tile")).ToHaveCountAsync(3);
        await carol.ScreenshotAsync("three-participants-carol.png");
    }

    /// <summary>Polls until the receiver consumes exactly the producers the sender has (both read anew each time).</summary>
    private static async Task<bool> ReceivesEveryProducerAsync(Participant receiver, Participant sender)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var sent = await sender.ProducerIdsAsync();
            var received = (await receiver.ReceivedAsync()).Where(t => t.UserId == sender.UserId && !t.Closed)
                .Select(t => t.ProducerId).Order(StringComparer.Ordinal).ToList();
            if (sent.Count >= 2 && received.SequenceEqual(sent))
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    [Fact]
    public async Task A_tab_that_vanishes_is_cleaned_up_within_30_seconds()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        var bob = await fixture.OpenAsync("Bob");
        await alice.SignUpAsync();
        var joinCode = await alice.CreateRoomAsync();
        await alice.EnterCreatedRoomAsync();
        await bob.JoinAsGuestAsync(joinCode);
        await alice.WaitForCameraAndMicAsync(bob);
        var roomId = alice.RoomId!;

        // The tab goes without a word: its pagehide handler (which stops the hub connection) never runs, and no
        // leaveRoom is sent; the server learns of it only from the connection itself.
        await bob.Page.EvaluateAsync("() => window.addEventListener('pagehide', (e) => e.stopImmediatePropagation(), true)");
        await bob.DisposeAsync();

        var timeout = TimeSpan.FromSeconds(30);
        await fixture.Server.WaitForRowAsync(roomId, bob.UserId!, row => row is null, "no row", timeout);
        await Expect(alice.TileOf(bob)).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        await alice.WaitForReceivedAsync(bob, tracks => tracks.Count == 0, "every consumer of Bob closed", TimeSpan.FromSeconds(5));
    }
}
