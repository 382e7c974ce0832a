using System.Diagnostics;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using Xunit.Abstractions;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// The full-screen stage has its own way out (a button on it, and Escape); a reload during the meeting is no news to
/// the others: no "lost connection" or "is back" notice, and the same tile stays.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class StageAndReloadTests(MeetingFixture fixture, ITestOutputHelper output)
{
    private const string IsStageFullscreen = "() => document.fullscreenElement?.classList.contains('stage') === true";

    [Fact]
    public async Task The_full_screen_stage_shows_a_way_out_and_Escape_leaves_it_too()
    {
        await using var host = await fixture.OpenAsync("Host");
        await host.SignUpAsync();
        await host.CreateRoomAsync();
        await host.EnterCreatedRoomAsync();
        var exit = host.ByTestId("btn-exit-fullscreen");
        await Expect(exit).ToBeHiddenAsync();

        await host.ByTestId("btn-fullscreen-stage").ClickAsync();
        await Expect(exit).ToBeVisibleAsync();
        Assert.True(await host.Page.EvaluateAsync<bool>(IsStageFullscreen));
        await host.ScreenshotAsync("stage-01-full-screen-with-exit.png");
        await exit.ClickAsync();
        await Expect(exit).ToBeHiddenAsync();
        Assert.False(await host.Page.EvaluateAsync<bool>(IsStageFullscreen));
        await Expect(host.ByTestId("btn-leave")).ToBeVisibleAsync();

        await host.ByTestId("btn-fullscreen-stage").ClickAsync();
        await Expect(exit).ToBeVisibleAsync();
        await host.Page.Keyboard.PressAsync("Escape");
        await Expect(exit).ToBeHiddenAsync();
        Assert.False(await host.Page.EvaluateAsync<bool>(IsStageFullscreen));
    }

    [Fact]
    public async Task A_reload_shows_no_lost_connection_to_the_others_and_the_tile_stays()
    {
        await using var host = await fixture.OpenAsync("Host");
        await using var bob = await fixture.OpenAsync("Bob");
        await host.SignUpAsync();
        var joinCode = await host.CreateRoomAsync();
        await host.EnterCreatedRoomAsync();
        await bob.SignUpAsync();
        await bob.JoinByCodeAsync(joinCode);
        await host.WaitForCameraAndMicAsync(bob);
        var producersBefore = (await host.ReceivedAsync()).Where(t => t.UserId == bob.UserId).Select(t => t.ProducerId).ToHashSet();
        // The host's tile of Bob, marked: a tile built anew after the reload would not carry the mark.
        await host.TileOf(bob).EvaluateAsync("tile => { tile.dataset.e2eMark = 'before-reload'; }");

        var watch = Stopwatch.StartNew();
        await bob.Page.ReloadAsync();
        await bob.WaitForStatusAsync("joined");
        // Bob's new camera reaching the host means the host has also had "connected again" (sent before it).
        await host.WaitForReceivedAsync(
            bob,
            tracks => tracks.Any(t => t is { Kind: "video", Source: "cam", FramesDecoded: > 0 } && !producersBefore.Contains(t.ProducerId)),
            "Bob's camera after the reload",
            TimeSpan.FromSeconds(30));
        output.WriteLine($"reload to Bob's new camera at the host: {watch.ElapsedMilliseconds} ms");

        Assert.False(host.ConsoleContains($"{bob.Name} lost connection"), $"the host was told Bob lost connection on a reload\n{host.ConsoleTail}");
        Assert.False(host.ConsoleContains($"{bob.Name} is back"), $"the host was told Bob is back after a reload\n{host.ConsoleTail}");
        Assert.False(host.ConsoleContains($"{bob.Name} left"), "the host saw Bob leave on a reload");
        Assert.Equal(1, host.CountConsole($"{bob.Name} joined"));
        await Expect(host.TileOf(bob)).ToHaveAttributeAsync("data-e2e-mark", "before-reload");
        await Expect(host.TileOf(bob)).ToHaveAttributeAsync("data-connection", "ok");
        await Expect(host.Page.GetByTestId("tile")).ToHaveCountAsync(2);
        await Expect(host.Page.GetByTestId("toast").Filter(new() { HasText = "connection" })).ToHaveCountAsync(0);
        await host.ScreenshotAsync("reload-01-no-notice-for-the-others.png");
    }
}
