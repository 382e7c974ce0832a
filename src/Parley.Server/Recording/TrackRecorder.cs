using System.Net;
using Parley.Media.Ortc;
using Parley.Media.Routing;
using Parley.Media.Transports;
using Parley.Server.RoomMedia;

namespace Parley.Server.Recording;

/// <summary>
/// Records one producer: a PlainTransport consumer on loopback sends its RTP (and RTCP) to an ffmpeg that copies it
/// into a file, described to ffmpeg by an SDP file. The consumer is resumed only once ffmpeg's port is bound, and a
/// video track asks for keyframes (ffmpeg sends no PLI). A crashed ffmpeg is replaced by a new segment from a
/// keyframe; the gap goes into the manifest.
/// </summary>
internal sealed class TrackRecorder(
    RoomRecorder owner, Router router, ProducerEntry producer, RecordingSettings settings, ILogger logger)
{
    private const int StartAttempts = 3;

    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PlainTransport? _transport;
    private Consumer? _consumer;
    private FfmpegProcess? _ffmpeg;
    private int _restarts;

    public string ProducerId => producer.Producer.Id;

    private string Name => $"{producer.UserId}-{producer.Source.Name()}";

    /// <summary>Starts the first segment; false (logged) when the track cannot be recorded.</summary>
    public Task<bool> StartAsync() => StartSegmentAsync();

    /// <summary>Stops the consumer and lets ffmpeg finish its file.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _gate.WaitAsync();
        try
        {
            await CloseSegmentAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> StartSegmentAsync()
    {
        await _gate.WaitAsync();
        try
        {
            // A few attempts: the free port pair may be taken by someone else before ffmpeg binds it.
            for (var attempt = 1; ; attempt++)
            {
                if (_stopping.IsCancellationRequested || producer.Producer.IsClosed)
                {
                    return false;
                }

                try
                {
                    return await OpenSegmentAsync();
                }
                catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or KeyNotFoundException or OrtcException or IOException or System.ComponentModel.Win32Exception or System.Net.Sockets.SocketException)
                {
                    RecordingLog.TrackFailed(logger, owner.RecordingId, Name, e.Message);
                    await CloseSegmentAsync();
                    if (RecordingDisk.SaysFull(e.Message))
                    {
                        // Another attempt would fail the same way: the whole recording stops.
                        owner.ReportDiskFull(e.Message);
                        return false;
                    }

                    if (attempt >= StartAttempts || e is ObjectDisposedException or KeyNotFoundException or OrtcException)
                    {
                        return false;
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// What ffmpeg can take: the router's capabilities without RED (RFC 2198), which ffmpeg's RTP demuxer cannot unwrap;
    /// a plain consumer that lists RED is sent RED, so the recording's asks for the primary encoding alone.
    /// </summary>
    internal static RtpCapabilities DecodableCapabilities(RtpCapabilities routerCapabilities)
    {
        var capabilities = routerCapabilities.Clone();
        capabilities.Codecs.RemoveAll(codec => codec.MimeType.Equals("audio/red", StringComparison.OrdinalIgnoreCase));
        return capabilities;
    }

    private async Task<bool> OpenSegmentAsync()
    {
        _transport = await router.CreatePlainTransportAsync(new PlainTransportOptions { ListenIp = IPAddress.Loopback, RtcpMux = false });
        _consumer = await _transport.ConsumeAsync(producer.Producer.Id, DecodableCapabilities(router.RtpCapabilities), paused: true);
        var codec = _consumer.RtpParameters.Codecs.First(c => !c.MimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase));
        var codecName = codec.MimeType[(codec.MimeType.IndexOf('/') + 1)..];
        var port = LocalPorts.FreeRtpPair();
        var segment = owner.NextSegmentNumber(Name);
        var baseName = $"{Name}-{segment}";
        var sdpPath = Path.Combine(owner.Folder, baseName + ".sdp");
        var fileName = baseName + TrackSdp.FileExtension(codecName);
        await File.WriteAllTextAsync(sdpPath, TrackSdp.Build(new TrackSdpInput(
            _consumer.Kind == MediaKind.Video, port, codec.PayloadType, codecName, codec.ClockRate, codec.Channels,
            [.. codec.Parameters.Select(p => KeyValuePair.Create(p.Key, p.Value.ToString()))])));

        _ffmpeg = FfmpegProcess.Start(settings.FfmpegPath, TrackCommand(sdpPath, fileName), owner.Folder);
        _ffmpeg.Exited += OnFfmpegExited;
        var deadline = DateTime.UtcNow + settings.StartTimeout;
        while (!UdpPortTable.IsBound(port))
        {
            if (_ffmpeg.Completion.IsCompleted || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"ffmpeg did not listen on port {port}: {_ffmpeg.ErrorTail}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        await _transport.ConnectAsync(IPAddress.Loopback, port, port + 1);
        var offset = owner.Elapsed.TotalSeconds;
        await owner.AddSegmentAsync(new TrackSegment(
            fileName, _consumer.Kind == MediaKind.Video ? "video" : "audio", producer.Source.Name(), producer.UserId,
            producer.Producer.Id, codecName, offset));
        await _consumer.ResumeAsync();
        RecordingLog.TrackStarted(logger, owner.RecordingId, Name, codecName, offset);
        if (_consumer.Kind == MediaKind.Video)
        {
            var consumer = _consumer;
            consumer.ProducerResumed += (_, _) => _ = RequestKeyFrameAsync(consumer);
            _ = RequestEarlyKeyFramesAsync(consumer);
        }

        return true;
    }

    private static IEnumerable<string> TrackCommand(string sdpPath, string fileName) =>
    [
        "-hide_banner", "-nostats", "-loglevel", "error",
        "-protocol_whitelist", "file,udp,rtp",
        // Loopback RTP arrives in order; a short queue keeps ffmpeg's latency to the file low.
        "-reorder_queue_size", "64",
        // The codec is in the SDP; a short probe keeps the first second of media instead of spending five on probing.
        "-analyzeduration", "200000",
        "-i", sdpPath,
        // Every packet reaches the disk at once: a crash (of ffmpeg or the server) loses nothing already received.
        "-map", "0", "-c", "copy", "-flush_packets", "1", "-y", fileName,
    ];

    private async Task RequestEarlyKeyFramesAsync(Consumer consumer)
    {
        // The first keyframe may arrive before ffmpeg has set up its demuxer; a few more early on are cheap.
        for (var i = 0; i <= settings.EarlyKeyFrameRequests && !_stopping.IsCancellationRequested && !consumer.IsClosed; i++)
        {
            await RequestKeyFrameAsync(consumer);
            try
            {
                await Task.Delay(settings.KeyFrameInterval, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task RequestKeyFrameAsync(Consumer consumer)
    {
        try
        {
            await consumer.RequestKeyFrameAsync();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // Closed meanwhile.
        }
    }

    private void OnFfmpegExited(FfmpegProcess ffmpeg, bool asked)
    {
        if (asked || _stopping.IsCancellationRequested)
        {
            return;
        }

        _ = RestartAsync(ffmpeg);
    }

    private async Task RestartAsync(FfmpegProcess crashed)
    {
        var gapStart = owner.Elapsed.TotalSeconds;
        RecordingLog.TrackCrashed(logger, owner.RecordingId, Name, crashed.ExitCode, crashed.ErrorTail, gapStart);
        await _gate.WaitAsync();
        try
        {
            if (_ffmpeg != crashed)
            {
                return;
            }

            await CloseSegmentAsync();
        }
        finally
        {
            _gate.Release();
        }

        if (RecordingDisk.SaysFull(crashed.ErrorTail))
        {
            // Not a crash to restart from: every track's file stops growing, and the recording with them.
            owner.ReportDiskFull(crashed.ErrorTail);
            return;
        }

        if (++_restarts > settings.MaxTrackRestarts)
        {
            await owner.AddGapAsync(new TrackGap(ProducerId, gapStart, owner.Elapsed.TotalSeconds, "ffmpeg crashed too often; the track was given up"));
            return;
        }

        if (await StartSegmentAsync())
        {
            await owner.AddGapAsync(new TrackGap(ProducerId, gapStart, owner.Elapsed.TotalSeconds, "ffmpeg crashed and was restarted"));
        }
    }

    private async Task CloseSegmentAsync()
    {
        // ffmpeg first, while packets still arrive: it reads 'q' between packets and then writes its file's end.
        if (_ffmpeg is { } ffmpeg)
        {
            _ffmpeg = null;
            await ffmpeg.StopAsync(settings.StopTimeout);
            ffmpeg.Dispose();
        }

        if (_transport is { } transport)
        {
            _transport = null;
            _consumer = null;
            try
            {
                // Closing the transport closes its consumer: no more RTP reaches ffmpeg.
                await transport.CloseAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // The worker is gone (shutdown).
            }
        }
    }
}
