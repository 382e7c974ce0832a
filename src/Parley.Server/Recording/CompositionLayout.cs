namespace Parley.Server.Recording;

/// <summary>Where one video goes on the composed canvas.</summary>
internal readonly record struct Cell(int X, int Y, int Width, int Height);

/// <summary>
/// The composed video's layout (a pure function): the cameras in an even grid; with a screen share, the screen
/// large on the left (three quarters of the width) and the cameras in a column on the right.
/// </summary>
internal static class CompositionLayout
{
    /// <summary>The cells for <paramref name="screens"/> screen shares followed by <paramref name="cameras"/> cameras, in that order.</summary>
    public static IReadOnlyList<Cell> Place(int screens, int cameras, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(screens);
        ArgumentOutOfRangeException.ThrowIfNegative(cameras);
        if (screens == 0)
        {
            return Grid(cameras, 0, 0, width, height);
        }

        // More than one screen at once is rare: they share the large area as a grid of their own.
        var screenWidth = cameras == 0 ? width : Even(width * 3 / 4);
        var cells = new List<Cell>(Grid(screens, 0, 0, screenWidth, height));
        if (cameras > 0)
        {
            var columnWidth = width - screenWidth;
            // At least four rows, so that a few cameras keep the canvas's aspect ratio (320 × 180 on 1280 × 720).
            var rowHeight = Even(height / Math.Max(cameras, 4));
            for (var i = 0; i < cameras; i++)
            {
                cells.Add(new Cell(screenWidth, i * rowHeight, columnWidth, rowHeight));
            }
        }

        return cells;
    }

    private static List<Cell> Grid(int count, int x, int y, int width, int height)
    {
        var cells = new List<Cell>(count);
        if (count == 0)
        {
            return cells;
        }

        var columns = (int)Math.Ceiling(Math.Sqrt(count));
        var rows = (count + columns - 1) / columns;
        var cellWidth = Even(width / columns);
        var cellHeight = Even(height / rows);
        for (var i = 0; i < count; i++)
        {
            cells.Add(new Cell(x + i % columns * cellWidth, y + i / columns * cellHeight, cellWidth, cellHeight));
        }

        return cells;
    }

    // H264 and yuv420p want even sizes.
    private static int Even(int value) => value & ~1;
}
