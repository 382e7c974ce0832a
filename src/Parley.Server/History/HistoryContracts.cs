namespace Parley.Server.History;

/// <summary>The contract's <c>session</c>: one meeting in a room (<see cref="EndedAt"/> null while it runs).</summary>
public sealed record SessionDto(string Id, string RoomId, DateTime StartedAt, DateTime? EndedAt, int PeakParticipants, int ParticipantCount);

/// <summary><c>{sessions:[session], next}</c>: <see cref="Next"/> is the cursor of the following page, null on the last.</summary>
public sealed record SessionPageResponse(IReadOnlyList<SessionDto> Sessions, string? Next);

/// <summary>One person's time in a session; <see cref="Seconds"/> counts up to now while they are in it.</summary>
public sealed record AttendanceDto(
    string UserId, string Name, DateTime JoinedAt, DateTime? LeftAt, long Seconds, bool UsedCam, bool UsedScreen);

/// <summary><c>{session, attendance:[...]}</c></summary>
public sealed record SessionDetailResponse(SessionDto Session, IReadOnlyList<AttendanceDto> Attendance);

/// <summary>One bucket of <see cref="RoomStatsResponse.Series"/>, starting at <see cref="Start"/> (UTC midnight; weeks start on Monday).</summary>
public sealed record StatsBucketDto(DateTime Start, int Sessions, double ParticipantMinutes);

/// <summary>A room's usage over a date range; sessions are counted in the bucket in which they started.</summary>
public sealed record RoomStatsResponse(
    int Sessions,
    long TotalSeconds,
    long AverageSeconds,
    int UniqueParticipants,
    double ParticipantMinutes,
    IReadOnlyList<StatsBucketDto> Series);

/// <summary>A session the caller attended, with the room's name and the caller's own time in it.</summary>
public sealed record MySessionDto(
    string Id, string RoomId, DateTime StartedAt, DateTime? EndedAt, int PeakParticipants, int ParticipantCount, string RoomName, long Seconds);

/// <summary><c>{sessions:[session &amp; {roomName, seconds}], next}</c></summary>
public sealed record MyHistoryResponse(IReadOnlyList<MySessionDto> Sessions, string? Next);
