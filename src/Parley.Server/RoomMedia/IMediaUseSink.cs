namespace Parley.Server.RoomMedia;

/// <summary>
/// Hears that someone started sending a kind of media (a producer was created), for records that follow media
/// use without being part of it, such as attendance history. Called under the room's lock; must be quick and must
/// not throw.
/// </summary>
internal interface IMediaUseSink
{
    void Produced(MediaPeer peer, MediaSource source);
}
