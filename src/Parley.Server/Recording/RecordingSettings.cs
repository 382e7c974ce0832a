namespace Parley.Server.Recording;

/// <summary>Server-side recording (section <c>Recording</c>): where files go, what ffmpeg is run, and the limits.</summary>
internal sealed class RecordingSettings
{
    public const string SectionName = "Recording";

    /// <summary>The folder recordings are written to; relative paths are anchored at the content root. Default <c>data/recordings</c>.</summary>
    public string Path { get; set; } = "data/recordings";

    /// <summary>The ffmpeg executable (Debian's <c>ffmpeg</c> package).</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>The ffprobe executable, used to measure the composed file.</summary>
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>Keep each track's own file beside the composed one (false: removed once the composition is ready).</summary>
    public bool KeepTrackFiles { get; set; }

    /// <summary>How many rooms may record at once on this server.</summary>
    public int MaxConcurrentRecordings { get; set; } = 4;

    /// <summary>Free space the recording folder's disk must have to start a recording.</summary>
    public long MinFreeBytes { get; set; } = 1L << 30;

    /// <summary>How long a track's ffmpeg gets to finish its file after being asked to stop.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long ffmpeg gets to bind its port after starting.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The early keyframe requests of a video track (ffmpeg sends no PLI itself), this far apart.</summary>
    public TimeSpan KeyFrameInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many early keyframe requests a video track's recording makes.</summary>
    public int EarlyKeyFrameRequests { get; set; } = 5;

    /// <summary>How often a track's ffmpeg is restarted after crashing before the track is given up.</summary>
    public int MaxTrackRestarts { get; set; } = 3;

    /// <summary>How long a download link (<c>POST /api/recordings/{id}/download-link</c>) stays valid.</summary>
    public TimeSpan DownloadLinkLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The composed file's canvas (width × height) and frame rate.</summary>
    public int Width { get; set; } = 1280;

    public int Height { get; set; } = 720;

    public int FrameRate { get; set; } = 15;
}
