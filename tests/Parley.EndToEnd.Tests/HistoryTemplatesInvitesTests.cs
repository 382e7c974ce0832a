using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>A room's history page after a real meeting, a room made from a template, and an invite link past the waiting room.</summary>
[Collection(MeetingCollection.Name)]
public sealed class HistoryTemplatesInvitesTests(MeetingFixture fixture)
{
    [Fact]
    public async Task After_a_meeting_the_history_page_shows_the_session_its_attendance_and_the_usage_chart()
    {
        await using var host = await fixture.OpenAsync("Hana");
        await using var bob = await fixture.OpenAsync("Bob");
        await host.SignUpAsync();
        var joinCode = await host.CreateRoomAsync();
        await host.EnterCreatedRoomAsync();
        await bob.JoinAsGuestAsync(joinCode);
        await Expect(host.TileOf(bob)).ToHaveCountAsync(1);

        await bob.ByTestId("btn-leave").ClickAsync();
        await Expect(host.TileOf(bob)).ToHaveCountAsync(0);
        await host.ByTestId("btn-leave").ClickAsync();
        await host.ByTestId("btn-home").ClickAsync();

        await host.ByTestId("room-list").GetByTestId("btn-history").ClickAsync();
        await Expect(host.ByTestId("history-view")).ToBeVisibleAsync();
        // History is written just after the meeting; the page shows what is there when it opens.
        var rows = host.ByTestId("session-row");
        for (var attempt = 0; attempt < 20 && (await rows.CountAsync() == 0 || await host.ByTestId("session-duration").First.InnerTextAsync() == "running"); attempt++)
        {
            await host.Page.ReloadAsync();
            await host.ByTestId("session-rows").Locator("tr").First.WaitForAsync();
        }

        await Expect(rows).ToHaveCountAsync(1);
        await Expect(host.ByTestId("session-duration")).Not.ToHaveTextAsync("running");
        await Expect(host.ByTestId("usage-chart")).ToHaveAttributeAsync("data-rendered", "true");
        await Expect(host.ByTestId("history-summary")).ToContainTextAsync("1 meeting");
        await rows.First.GetByTestId("btn-attendance").ClickAsync();
        var attendance = host.ByTestId("attendance-row");
        await Expect(attendance).ToHaveCountAsync(2);
        await Expect(attendance.Filter(new() { HasText = "Hana" })).ToHaveCountAsync(1);
        await Expect(attendance.Filter(new() { HasText = "Bob" })).ToHaveCountAsync(1);

        await host.ScreenshotAsync("history-page.png");
        IDownload download;
        try
        {
            download = await host.Page.RunAndWaitForDownloadAsync(() => host.ByTestId("btn-attendance-csv").ClickAsync());
        }
        catch (TimeoutException)
        {
            await host.ScreenshotAsync("history-download-failed.png");
            Assert.Fail("No download: " + await host.DescribeAsync() + "\n" + host.ConsoleTail);
            throw;
        }

        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("userId,name,joinedAt,leftAt,seconds,usedCam,usedScreen\r\n", csv);
        Assert.Contains($",{bob.Name},", csv);
    }

    [Fact]
    public async Task A_room_created_from_the_webinar_template_gets_its_settings()
    {
        await using var host = await fixture.OpenAsync("Tess");
        await host.SignUpAsync();
        await host.ByTestId("room-name").FillAsync("Launch webinar");
        await host.ByTestId("room-template").SelectOptionAsync(new SelectOptionValue { Label = "Webinar" });
        await host.ByTestId("btn-create-room").ClickAsync();
        var created = host.ByTestId("created-room");
        await created.WaitForAsync();
        var roomId = (await created.GetAttributeAsync("data-room-id"))!;
        await host.ScreenshotAsync("room-from-template.png");

        var settings = JsonDocument.Parse(await RoomSettingsAsync(roomId)).RootElement;
        Assert.Equal("viewer", settings.GetProperty("defaultRole").GetString());
        Assert.True(settings.GetProperty("muteOnEntry").GetBoolean());
    }

    [Fact]
    public async Task An_invite_link_that_skips_the_waiting_room_lets_a_guest_straight_in()
    {
        await using var host = await fixture.OpenAsync("Ivy");
        await using var guest = await fixture.OpenAsync("Gil");
        await host.SignUpAsync();
        await host.CreateRoomAsync(waitingRoom: true);
        var panel = host.ByTestId("created-room").GetByTestId("sharing-panel");
        await panel.GetByTestId("btn-sharing").ClickAsync();
        await panel.GetByTestId("invite-skip").CheckAsync();
        await panel.GetByTestId("btn-create-invite").ClickAsync();
        var url = await panel.GetByTestId("invite-url").First.InnerTextAsync();
        Assert.StartsWith(new Uri(fixture.Server.BaseAddress, "/i/").ToString(), url);
        await host.ScreenshotAsync("invite-created.png");
        await host.EnterCreatedRoomAsync();

        await guest.Page.GotoAsync(url);
        await guest.ByTestId("guest-name").FillAsync(guest.Name);
        await guest.ByTestId("btn-guest").ClickAsync();
        await guest.ByTestId("prejoin-view").WaitForAsync();
        await guest.ClickJoinAsync();
        await guest.WaitForStatusAsync("joined");
        await Expect(host.TileOf(guest)).ToHaveCountAsync(1);
        await guest.ScreenshotAsync("invite-joined.png");
    }

    private async Task<string> RoomSettingsAsync(string roomId)
    {
        await using var connection = new SqliteConnection($"Data Source={fixture.Server.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT settings FROM room WHERE id = $id";
        command.Parameters.AddWithValue("$id", roomId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
