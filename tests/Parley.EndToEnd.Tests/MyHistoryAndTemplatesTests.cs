using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// The signed-in person's own meeting history (from the home page; a hosted room links to its history, another's
/// does not), and their own templates: saved from a room, renamed and deleted on the home page.
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class MyHistoryAndTemplatesTests(MeetingFixture fixture)
{
    [Fact]
    public async Task Your_meetings_lists_each_meeting_and_links_the_rooms_you_host_to_their_history()
    {
        await using var host = await fixture.OpenAsync("Hugo");
        await using var bob = await fixture.OpenAsync("Bob");
        await host.SignUpAsync();
        var joinCode = await host.CreateRoomAsync();
        var roomName = $"Room of {host.Name}";
        await host.EnterCreatedRoomAsync();
        await bob.SignUpAsync();
        await bob.JoinByCodeAsync(joinCode);
        await Expect(host.TileOf(bob)).ToHaveCountAsync(1);
        await bob.ByTestId("btn-leave").ClickAsync();
        await Expect(host.TileOf(bob)).ToHaveCountAsync(0);
        await host.ByTestId("btn-leave").ClickAsync();

        // Bob attended but does not host: the meeting is listed, the room's name is not a link.
        await bob.ByTestId("btn-home").ClickAsync();
        var bobRow = await OpenMyHistoryAsync(bob);
        await Expect(bobRow.GetByTestId("my-history-room")).ToHaveTextAsync(roomName);
        await Expect(bobRow.GetByTestId("my-history-link")).ToHaveCountAsync(0);
        await Expect(bobRow.GetByTestId("my-history-seconds")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ (s|min \d+ s)$"));
        await bob.ScreenshotAsync("my-history-01-participant.png");

        // The host's line links to the room's own history page.
        await host.ByTestId("btn-home").ClickAsync();
        var hostRow = await OpenMyHistoryAsync(host);
        await Expect(hostRow.GetByTestId("my-history-room")).ToHaveTextAsync(roomName);
        await host.ScreenshotAsync("my-history-02-host.png");
        await hostRow.GetByTestId("my-history-link").ClickAsync();
        await Expect(host.ByTestId("history-view")).ToBeVisibleAsync();
        Assert.EndsWith($"/history/{host.RoomId}", host.Page.Url);
        await Expect(host.ByTestId("session-row")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_room_saved_as_a_template_can_be_renamed_and_deleted_on_the_home_page()
    {
        await using var host = await fixture.OpenAsync("Tara");
        host.Page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await host.SignUpAsync();
        await host.CreateRoomAsync(waitingRoom: true);
        var templates = host.ByTestId("template-item");
        await Expect(host.ByTestId("template-list")).ToContainTextAsync("No templates of your own yet");

        var created = host.ByTestId("created-room");
        await created.GetByTestId("btn-save-template").ClickAsync();
        await created.GetByTestId("save-template-name").FillAsync("Standup settings");
        await created.GetByTestId("btn-save-template-confirm").ClickAsync();
        await Expect(templates).ToHaveCountAsync(1);
        await Expect(templates.GetByTestId("template-name")).ToHaveTextAsync("Standup settings");
        await Expect(templates).ToContainTextAsync("waiting room");
        await Expect(host.ByTestId("room-template").Locator("option", new() { HasText = "Standup settings (yours)" })).ToHaveCountAsync(1);

        await templates.GetByTestId("btn-rename-template").ClickAsync();
        await templates.GetByTestId("template-name-input").FillAsync("Daily standup");
        await host.ScreenshotAsync("templates-01-renaming.png");
        await templates.GetByTestId("btn-save-template-name").ClickAsync();
        await Expect(templates.GetByTestId("template-name")).ToHaveTextAsync("Daily standup");
        await Expect(host.ByTestId("room-template").Locator("option", new() { HasText = "Daily standup (yours)" })).ToHaveCountAsync(1);
        await Expect(host.ByTestId("room-template").Locator("option", new() { HasText = "Standup settings" })).ToHaveCountAsync(0);

        // The new name is the server's, not only the page's: after a reload it is still there.
        await host.Page.ReloadAsync();
        await Expect(templates.GetByTestId("template-name")).ToHaveTextAsync("Daily standup");
        await host.ScreenshotAsync("templates-02-renamed.png");

        await templates.GetByTestId("btn-delete-template").ClickAsync();
        await Expect(templates).ToHaveCountAsync(0);
        await Expect(host.ByTestId("room-template").Locator("option", new() { HasText = "(yours)" })).ToHaveCountAsync(0);
        await host.Page.ReloadAsync();
        await Expect(host.ByTestId("template-list")).ToContainTextAsync("No templates of your own yet");
        await Expect(templates).ToHaveCountAsync(0);
    }

    /// <summary>
    /// From the home page to "Your meetings", reloading until the meeting's line is there and finished (history is
    /// written just after the meeting); returns that line.
    /// </summary>
    private static async Task<ILocator> OpenMyHistoryAsync(Participant person)
    {
        await person.ByTestId("btn-my-history").ClickAsync();
        await Expect(person.ByTestId("my-history-view")).ToBeVisibleAsync();
        Assert.EndsWith("/history", person.Page.Url);
        var rows = person.ByTestId("my-history-row");
        for (var attempt = 0; attempt < 20 && (await rows.CountAsync() == 0 || await person.ByTestId("my-history-duration").First.InnerTextAsync() == "running"); attempt++)
        {
            await person.Page.ReloadAsync();
            await person.ByTestId("my-history-rows").Locator("tr").First.WaitForAsync();
        }

        await Expect(rows).ToHaveCountAsync(1);
        await Expect(person.ByTestId("my-history-duration")).Not.ToHaveTextAsync("running");
        return rows.First;
    }
}
