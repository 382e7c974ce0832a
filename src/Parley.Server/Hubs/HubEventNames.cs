namespace Parley.Server.Hubs;

/// <summary>The names of the events the hub sends (the contract's "Events from the server").</summary>
internal static class HubEventNames
{
    public const string UserJoined = "userJoined";
    public const string UserLeft = "userLeft";
    public const string UserUpdated = "userUpdated";
    public const string JoinRequest = "joinRequest";
    public const string JoinRequestCancelled = "joinRequestCancelled";
    public const string Admitted = "admitted";
    public const string Denied = "denied";
    public const string Removed = "removed";
    public const string RoomClosed = "roomClosed";
    public const string SessionReplaced = "sessionReplaced";
    public const string ServerShuttingDown = "serverShuttingDown";
    public const string NewProducer = "newProducer";
    public const string ProducerClosed = "producerClosed";
    public const string ProducerPaused = "producerPaused";
    public const string ProducerResumed = "producerResumed";
    public const string ConsumerClosed = "consumerClosed";
    public const string ConsumerPaused = "consumerPaused";
    public const string ConsumerResumed = "consumerResumed";
    public const string ConsumerLayersChanged = "consumerLayersChanged";
    public const string ActiveSpeaker = "activeSpeaker";
    public const string ConsumerScore = "consumerScore";
    public const string ProducerScore = "producerScore";
    public const string ProducerLayersWanted = "producerLayersWanted";
    public const string RoomUpdated = "roomUpdated";
    public const string MeetingEnded = "meetingEnded";
    public const string UnmuteRequested = "unmuteRequested";
    public const string HandRaised = "handRaised";
    public const string HandLowered = "handLowered";
    public const string Reaction = "reaction";
    public const string UserConnectionChanged = "userConnectionChanged";
    public const string ChatMessage = "chatMessage";
    public const string ChatMessageDeleted = "chatMessageDeleted";
}
