using Parley.Server.History;
using Parley.Server.Membership;

namespace Parley.Server.Tests.History;

public sealed class HistoryRecorderTests
{
    [Fact]
    public async Task Activities_that_are_not_about_attendance_leave_history_alone()
    {
        // The room activity fan-out hands every sink everything; a recording being ready once stopped the host.
        var recorder = new HistoryRecorder(TimeProvider.System);

        await recorder.RecordAsync([
            new MeetingStarted("room", "owner"),
            new RecordingReady("room", "recording", 12.5, 1024, "video/mp4"),
            new ParticipantJoined("room", "owner"),
        ]);

        Assert.True(recorder.Changes.TryRead(out var first));
        Assert.IsType<SessionStartChange>(first);
        Assert.True(recorder.Changes.TryRead(out var second));
        Assert.IsType<ArrivalChange>(second);
        Assert.False(recorder.Changes.TryRead(out _));
    }
}
