using Parley.Server.Membership;
using Parley.Server.RoomMedia;

namespace Parley.Server.History;

/// <summary>A change to a room's history, stamped when it happened, waiting for <see cref="HistoryWriter"/>.</summary>
internal abstract record HistoryChange(string RoomId, DateTime At);

internal sealed record SessionStartChange(string RoomId, DateTime At) : HistoryChange(RoomId, At);

internal sealed record ArrivalChange(string RoomId, string UserId, DateTime At) : HistoryChange(RoomId, At);

internal sealed record DepartureChange(string RoomId, string UserId, DateTime At) : HistoryChange(RoomId, At);

/// <summary><paramref name="EndedByHost"/>: endMeeting or the room deleted, so the session is not continued by a quick return.</summary>
internal sealed record SessionEndChange(string RoomId, bool EndedByHost, DateTime At) : HistoryChange(RoomId, At);

internal sealed record MediaUseChange(string RoomId, string UserId, MediaSource Source, DateTime At) : HistoryChange(RoomId, At);
