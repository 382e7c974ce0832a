using System.Text.Json;

namespace Parley.Server.Recording;

/// <summary>
/// The recordings' folders: <c>{Path}/{roomId}/{recordingId}/</c> with the tracks' SDP and media files,
/// <c>manifest.json</c> and the composed file. Removing a room's folder removes all its recordings.
/// </summary>
internal static class RecordingFiles
{
    public const string ManifestName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string RoomFolder(string root, string roomId) => Path.Combine(root, roomId);

    public static string RecordingFolder(string root, string roomId, string recordingId) => Path.Combine(root, roomId, recordingId);

    public static async Task WriteManifestAsync(string folder, RecordingManifest manifest)
    {
        var path = Path.Combine(folder, ManifestName);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(manifest, Json));
        File.Move(temporary, path, overwrite: true);
    }

    public static async Task<RecordingManifest?> ReadManifestAsync(string folder)
    {
        var path = Path.Combine(folder, ManifestName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RecordingManifest>(await File.ReadAllTextAsync(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Removes a folder and everything in it; false (with the reason) when it could not.</summary>
    public static bool TryDelete(string folder, out string? reason)
    {
        reason = null;
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = e.Message;
            return false;
        }
    }
}
