using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Parley.Server.Membership;
using Parley.Server.Recording;

namespace Parley.Server.Hubs;

/// <summary>
/// Recording (the contract's "Recording"): hosts start and stop it; <see cref="RecordingService"/> does the work and
/// tells the room (<c>recordingStarted</c>, <c>recordingStopped</c>).
/// </summary>
internal sealed partial class RoomHub
{
    public async Task<RecordingStartedResult> StartRecording(JsonElement request, RecordingService recordings, ConnectionRegistry registry)
    {
        HubPayload.RequireObject(request, "startRecording");
        var roomId = RequireJoinedHost(registry);
        try
        {
            return new RecordingStartedResult((await recordings.StartAsync(roomId, Context.UserIdentifier!)).RecordingId);
        }
        catch (RecordingRefusedException refused)
        {
            throw new HubException(refused.Message);
        }
    }

    public async Task<EmptyResult> StopRecording(JsonElement request, RecordingService recordings, ConnectionRegistry registry)
    {
        HubPayload.RequireObject(request, "stopRecording");
        var roomId = RequireJoinedHost(registry);
        try
        {
            await recordings.StopAsync(roomId);
        }
        catch (RecordingRefusedException refused)
        {
            throw new HubException(refused.Message);
        }

        return Empty;
    }

    private string RequireJoinedHost(ConnectionRegistry registry) => registry.Find(Context.ConnectionId) switch
    {
        { IsJoined: true, IsHost: true, RoomId: { } roomId } => roomId,
        { IsJoined: true } => throw HubErrors.HostOnly(),
        _ => throw HubErrors.NotInRoom(),
    };
}
