using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>
/// Room settings changed inside the meeting reach the people in it and the next to come: the role new people get,
/// the waiting room switched on and off, and the room's name on every page (heading and tab title).
/// </summary>
[Collection(MeetingCollection.Name)]
public sealed class LiveRoomSettingsTests(MeetingFixture fixture)
{
    [Fact]
    public async Task The_default_role_the_waiting_room_and_the_name_change_live_for_everyone()
    {
        await using var host = await fixture.OpenAsync("Host");
        await using var bob = await fixture.OpenAsync("Bob");
        await host.SignUpAsync();
        var joinCode = await host.CreateRoomAsync();
        await host.EnterCreatedRoomAsync();
        await bob.JoinAsGuestAsync(joinCode);
        await Expect(host.TileOf(bob)).ToHaveAttributeAsync("data-role", "participant");

        // People join as viewers from now on: Carol, who comes next, can watch but not send; Bob stays a participant.
        await RoomSettings.ChangeAsync(host, async () => await host.ByTestId("setting-default-role").SelectOptionAsync("viewer"));
        await bob.WaitForConsoleAsync("A host changed the room's settings");
        await using (var carol = await fixture.OpenAsync("Carol"))
        {
            await carol.JoinAsGuestAsync(joinCode);
            await Expect(carol.ByTestId("btn-mic")).ToBeHiddenAsync();
            await Expect(carol.ByTestId("btn-cam")).ToBeHiddenAsync();
            await Expect(carol.ByTestId("btn-screen")).ToBeHiddenAsync();
            await carol.ByTestId("btn-people").ClickAsync();
            await Expect(carol.ByTestId($"role-{carol.UserId}")).ToHaveTextAsync("viewer");
            await Expect(host.ByTestId($"role-{carol.UserId}")).ToHaveTextAsync("viewer");
            await Expect(host.TileOf(carol)).ToHaveAttributeAsync("data-role", "viewer");
            Assert.Empty(await carol.ProducerIdsAsync());
            await Expect(bob.ByTestId("btn-mic")).ToBeVisibleAsync();
            await Expect(host.TileOf(bob)).ToHaveAttributeAsync("data-role", "participant");
            await carol.ScreenshotAsync("live-settings-01-joined-as-viewer.png");
            await carol.ByTestId("btn-leave").ClickAsync();
        }

        await Expect(host.Page.GetByTestId("tile")).ToHaveCountAsync(2);

        // The waiting room switched on during the meeting: Dave waits until the host admits him.
        await RoomSettings.ChangeAsync(host, async () =>
        {
            await host.ByTestId("setting-default-role").SelectOptionAsync("participant");
            await host.ByTestId("setting-waiting").CheckAsync();
        });
        await using (var dave = await fixture.OpenAsync("Dave"))
        {
            await dave.JoinAsGuestAsync(joinCode, expectedStatus: "waiting");
            await Expect(dave.ByTestId("waiting")).ToBeVisibleAsync();
            var request = host.Page.Locator("[data-testid^='join-request-']", new() { HasText = dave.Name });
            var daveId = await request.GetAttributeAsync("data-user-id");
            await host.ScreenshotAsync("live-settings-02-waiting-room-on.png");
            await host.ByTestId($"admit-{daveId}").ClickAsync();
            await dave.WaitForStatusAsync("joined");
            await Expect(host.TileOf(dave)).ToHaveAttributeAsync("data-role", "participant");
            await dave.ByTestId("btn-leave").ClickAsync();
        }

        // And switched off again: Erin comes straight in.
        await RoomSettings.ChangeAsync(host, async () => await host.ByTestId("setting-waiting").UncheckAsync());
        await using var erin = await fixture.OpenAsync("Erin");
        await erin.JoinAsGuestAsync(joinCode);
        await Expect(host.TileOf(erin)).ToHaveCountAsync(1);
        await Expect(host.Page.Locator("[data-testid^='join-request-']")).ToHaveCountAsync(0);

        // The room renamed: every page's heading and tab title follow.
        const string name = "Renamed live: Thursday review";
        await RoomSettings.ChangeAsync(host, async () => await host.ByTestId("setting-name").FillAsync(name));
        foreach (var person in new[] { host, bob, erin })
        {
            await Expect(person.ByTestId("room-name")).ToHaveTextAsync(name);
            await Expect(person.Page).ToHaveTitleAsync($"{name} · Parley");
        }

        await bob.WaitForConsoleAsync($"The room is now called \"{name}\"");
        await bob.ScreenshotAsync("live-settings-03-renamed.png");
    }
}
