using Parley.Server.Recording;

namespace Parley.Server.Tests.Recording;

public sealed class CompositionLayoutTests
{
    [Fact]
    public void One_camera_fills_the_canvas() =>
        Assert.Equal([new Cell(0, 0, 1280, 720)], CompositionLayout.Place(0, 1, 1280, 720));

    [Fact]
    public void Four_cameras_make_a_two_by_two_grid() =>
        Assert.Equal(
            [new Cell(0, 0, 640, 360), new Cell(640, 0, 640, 360), new Cell(0, 360, 640, 360), new Cell(640, 360, 640, 360)],
            CompositionLayout.Place(0, 4, 1280, 720));

    [Fact]
    public void Three_cameras_use_two_rows_of_two_columns() =>
        Assert.Equal(
            [new Cell(0, 0, 640, 360), new Cell(640, 0, 640, 360), new Cell(0, 360, 640, 360)],
            CompositionLayout.Place(0, 3, 1280, 720));

    [Fact]
    public void Five_cameras_use_three_columns_with_even_sizes()
    {
        var cells = CompositionLayout.Place(0, 5, 1280, 720);
        Assert.Equal(5, cells.Count);
        Assert.All(cells, c => Assert.Equal((426, 360), (c.Width, c.Height)));
        Assert.Equal(new Cell(852, 0, 426, 360), cells[2]);
        Assert.Equal(new Cell(0, 360, 426, 360), cells[3]);
    }

    [Fact]
    public void A_screen_share_is_large_and_the_cameras_go_in_a_column_beside_it() =>
        Assert.Equal(
            [new Cell(0, 0, 960, 720), new Cell(960, 0, 320, 180), new Cell(960, 180, 320, 180)],
            CompositionLayout.Place(1, 2, 1280, 720));

    [Fact]
    public void A_screen_share_alone_fills_the_canvas() =>
        Assert.Equal([new Cell(0, 0, 1280, 720)], CompositionLayout.Place(1, 0, 1280, 720));

    [Fact]
    public void Nothing_to_place_gives_no_cells() => Assert.Empty(CompositionLayout.Place(0, 0, 1280, 720));
}
