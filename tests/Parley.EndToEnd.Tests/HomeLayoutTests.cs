using static Microsoft.Playwright.Assertions;

namespace Parley.EndToEnd.Tests;

/// <summary>The home page's room list: each room once, the cards across the width, long names cut with the full name on hover.</summary>
[Collection(MeetingCollection.Name)]
public sealed class HomeLayoutTests(MeetingFixture fixture)
{
    [Fact]
    public async Task Rooms_are_listed_once_across_the_width_and_long_names_show_in_full_on_hover()
    {
        await using var alice = await fixture.OpenAsync("Alice");
        await alice.SignUpAsync();
        await alice.CreateRoomAsync();
        var longName = "Quarterly planning of the platform and developer experience teams, " + alice.Name;
        await alice.ByTestId("room-name").FillAsync(longName);
        await alice.ByTestId("btn-create-room").ClickAsync();
        await Expect(alice.ByTestId("created-room").GetByTestId("room-card-name")).ToHaveTextAsync(longName);

        // Each room once: the one just created is highlighted in the list, not shown again above it.
        await Expect(alice.Page.GetByTestId("room-item")).ToHaveCountAsync(2);
        var name = alice.ByTestId("created-room").GetByTestId("room-card-name");
        await Expect(name).ToHaveAttributeAsync("title", longName);
        // It wraps (up to two lines, then an ellipsis) inside its card instead of running out of it.
        Assert.True(await name.EvaluateAsync<bool>(
            "e => e.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(e).lineHeight || '20') && e.getBoundingClientRect().right <= e.closest('[data-testid=room-item]').getBoundingClientRect().right"),
            "the long name wraps inside its card");

        var list = await alice.ByTestId("room-list").BoundingBoxAsync();
        var forms = await alice.Page.Locator(".home-grid > .card").EvaluateAllAsync<double[]>("cards => cards.map((c) => c.getBoundingClientRect().right)");
        Assert.True(list!.Width > 900, $"the room list is {list.Width} px wide in a 1024 px window");
        Assert.True(forms.Take(2).Max() > 950, $"the two forms end at {string.Join(", ", forms)}: they leave the right of the window empty");
        // No card overflows its place in the list (the invite link wraps).
        var overflowing = await alice.Page.GetByTestId("room-item").EvaluateAllAsync<int>(
            "cards => cards.filter((c) => c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().right > c.parentElement.getBoundingClientRect().right + 1).length");
        Assert.Equal(0, overflowing);
        await alice.ScreenshotAsync("home-01-rooms.png");
    }
}
