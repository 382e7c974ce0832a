using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>The in-meeting settings dialog, as a host uses it.</summary>
internal static class RoomSettings
{
    /// <summary>Opens the in-meeting settings dialog, makes a change and saves it.</summary>
    public static async Task ChangeAsync(Participant host, Func<Task> change)
    {
        await host.ByTestId("btn-room-settings").ClickAsync();
        await Expect(host.ByTestId("settings-dialog")).ToBeVisibleAsync();
        await change();
        await host.ByTestId("btn-settings-save").ClickAsync();
        await Expect(host.ByTestId("settings-dialog")).ToHaveCountAsync(0);
    }
}
