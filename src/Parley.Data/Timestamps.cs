namespace Parley.Data;

/// <summary>The one way Parley stamps <c>created_at</c> / <c>updated_at</c>.</summary>
public static class Timestamps
{
    /// <summary>
    /// The current UTC time cut to whole milliseconds, so a value reads back the same from SQLite (text)
    /// and PostgreSQL (microseconds) as it was returned when written.
    /// </summary>
    public static DateTime UtcNow(TimeProvider time)
    {
        var ticks = time.GetUtcNow().UtcTicks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
