using Microsoft.AspNetCore.SignalR;
using Parley.Data.Entities;

namespace Parley.Server.RoomMedia;

/// <summary>
/// What a member may send, from the room's settings and their role (read from the database for each call that
/// starts media, so a setting changed during the meeting applies to the next call). Hosts are bound only by
/// <see cref="RoomSettings.VideoEnabled"/>.
/// </summary>
internal readonly record struct MediaPolicy(RoomSettings Settings, string Role)
{
    private bool IsHost => RoomRoles.IsHost(Role);

    /// <summary>Refuses a producer (or resuming one) the role or the settings do not allow.</summary>
    public void RequireMayProduce(MediaSource source)
    {
        if (Role == RoomRoles.Viewer)
        {
            throw new HubException("Viewers cannot send audio or video; a host can make you a participant");
        }

        if (source.Kind() == Parley.Media.Ortc.MediaKind.Video && !Settings.VideoEnabled)
        {
            throw new HubException("Video is turned off in this room");
        }

        if (source is MediaSource.Screen or MediaSource.ScreenAudio && Settings.WhoCanShareScreen == RoomAudience.Hosts && !IsHost)
        {
            throw new HubException("Only hosts can share their screen in this room");
        }
    }

    /// <summary>Refuses turning the mic back on when a host muted it and only hosts may unmute people here.</summary>
    public void RequireMayUnmute(bool mutedByHost)
    {
        if (mutedByHost && Settings.WhoCanUnmute == RoomAudience.Hosts && !IsHost)
        {
            throw new HubException("A host muted you and only hosts can unmute people in this room; wait for a host to ask you to unmute");
        }
    }

    /// <summary>Whether a participant's first producer of this source after joining starts paused.</summary>
    public bool StartsPaused(MediaSource source) => !IsHost && source switch
    {
        MediaSource.Mic => Settings.MuteOnEntry,
        MediaSource.Cam => Settings.CamOffOnEntry,
        _ => false,
    };
}
