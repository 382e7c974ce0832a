using Parley.Media.Ortc;

namespace Parley.Server.RoomMedia;

/// <summary>
/// The media side before the SFU is wired in: every router has the capabilities mediasoup computes from the
/// default media codecs, and no room has producers, so the flags a client reports are all it can send.
/// </summary>
internal sealed class SignalingOnlyRoomMedia : IRoomMedia
{
    // Generated once: the same codecs always give the same capabilities; callers get copies.
    private readonly RtpCapabilities _routerCapabilities = OrtcRules.GenerateRouterRtpCapabilities(RouterDefaults.MediaCodecs);

    public ValueTask EnsureRouterAsync(string roomId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public RtpCapabilities GetRouterRtpCapabilities(string roomId) => _routerCapabilities.Clone();

    public IReadOnlyList<ProducerInfo> GetProducers(string roomId, string exceptUserId) => [];

    // Without producers there is nothing to pause or resume: the request is taken as it is.
    public ValueTask<MediaFlags> ApplyFlagsAsync(MediaPeer peer, MediaFlags current, MediaFlagsChange requested, CancellationToken cancellationToken) =>
        ValueTask.FromResult(current.With(requested));

    public MediaFlags? ForwardedFlags(MediaPeer peer) => null;

    public ValueTask PeerLeftAsync(MediaPeer peer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask ReleaseRoomAsync(string roomId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
