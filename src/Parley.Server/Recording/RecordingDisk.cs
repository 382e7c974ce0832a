namespace Parley.Server.Recording;

/// <summary>Whether a failure means the recording folder's disk is full (or its quota used up).</summary>
internal static class RecordingDisk
{
    // strerror of ENOSPC and EDQUOT: ffmpeg's error lines and .NET's IOException messages both carry them.
    private static readonly string[] FullMessages = ["No space left on device", "Disk quota exceeded"];

    /// <summary>True when <paramref name="error"/> (ffmpeg's last lines, or an exception's message) says the disk is full.</summary>
    public static bool SaysFull(string? error) =>
        error is not null && FullMessages.Any(m => error.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>Free bytes on the disk holding <paramref name="folder"/> (0 when it cannot be read).</summary>
    public static long FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }
}
