using System.Text.Json.Nodes;
using Parley.Media.Ortc;

namespace Parley.Server.RoomMedia;

/// <summary>The contract's <c>producerInfo</c>: a producer another peer can consume.</summary>
internal sealed record ProducerInfo(string ProducerId, string UserId, MediaKind Kind, JsonObject AppData, bool Paused);
