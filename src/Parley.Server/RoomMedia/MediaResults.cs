using System.Text.Json.Nodes;
using Parley.Media.Dtls;
using Parley.Media.Ice;
using Parley.Media.Ortc;

namespace Parley.Server.RoomMedia;

/// <summary><c>createWebRtcTransport</c>'s result, the options of mediasoup-client's <c>createSendTransport/createRecvTransport</c>.</summary>
internal sealed record TransportCreatedResult(
    string Id, IceParameters IceParameters, IReadOnlyList<IceCandidate> IceCandidates, DtlsParameters DtlsParameters);

/// <summary><c>restartIce</c>'s result.</summary>
internal sealed record RestartIceResult(IceParameters IceParameters);

/// <summary><c>produce</c>'s result.</summary>
internal sealed record ProducedResult(string Id);

/// <summary><c>consume</c>'s result, what mediasoup-client's <c>recvTransport.consume()</c> takes.</summary>
internal sealed record ConsumedResult(
    string Id, string ProducerId, MediaKind Kind, RtpParameters RtpParameters, RtpParametersType Type, bool ProducerPaused, JsonObject AppData);

/// <summary><c>getStats</c>'s result.</summary>
internal sealed record StatsResult(IReadOnlyList<object> Stats);

/// <summary>What the hub read from a <c>produce</c> call.</summary>
internal sealed record ProduceRequest(string TransportId, MediaKind Kind, RtpParameters RtpParameters, MediaSource Source, JsonObject AppData);

/// <summary>What the hub read from a <c>getStats</c> call: exactly one of the ids.</summary>
internal sealed record StatsRequest(string? TransportId, string? ProducerId, string? ConsumerId);
