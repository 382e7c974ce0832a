namespace Parley.Server.RoomMedia;

/// <summary>The media state kept in <c>room_user</c>: what a participant is sending.</summary>
internal readonly record struct MediaFlags(bool IsMicActive, bool IsCamActive, bool IsShareScreen)
{
    /// <summary>These flags with the requested ones applied; flags absent from the request stay as they are.</summary>
    public MediaFlags With(MediaFlagsChange change) => new(
        change.IsMicActive ?? IsMicActive,
        change.IsCamActive ?? IsCamActive,
        change.IsShareScreen ?? IsShareScreen);
}

/// <summary>An <c>updateUser</c> request: null means "leave as it is".</summary>
internal readonly record struct MediaFlagsChange(bool? IsMicActive, bool? IsCamActive, bool? IsShareScreen);
