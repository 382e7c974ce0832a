/**
 * The shapes of /work/shared/spec/contract.md as the client sees them: HTTP bodies,
 * hub method arguments/results and hub events. Media shapes are mediasoup-client's own types.
 */
import type { types as ms } from 'mediasoup-client';

export interface User {
  readonly id: string;
  readonly email: string | null;
  readonly name: string;
  readonly isGuest?: boolean;
}

export interface TokenResponse {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
}

export interface Room {
  readonly id: string;
  readonly name: string;
  readonly joinCode: string;
  readonly ownerId: string;
  readonly requireAccessBeforeJoining: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The users the owner named co-hosts. */
  readonly coHostIds?: readonly string[];
  readonly settings?: RoomSettings;
}

/** The room's settings; the server enforces them (see docs/signaling.md). */
export interface RoomSettings {
  readonly locked: boolean;
  readonly muteOnEntry: boolean;
  readonly camOffOnEntry: boolean;
  readonly whoCanShareScreen: 'everyone' | 'hosts';
  readonly whoCanUnmute: 'everyone' | 'hosts';
  readonly chatEnabled: boolean;
  readonly videoEnabled: boolean;
  readonly maxParticipants: number | null;
  readonly maxVideoHeight: 180 | 360 | 720 | 1080 | null;
  readonly defaultRole: 'participant' | 'viewer';
}

export type Role = 'host' | 'co-host' | 'participant' | 'viewer';

export interface RoomUser {
  readonly id: string;
  readonly roomId: string;
  readonly userId: string;
  readonly name: string;
  readonly role: Role | string;
  readonly isMicActive: boolean;
  readonly isCamActive: boolean;
  readonly isShareScreen: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When they raised their hand (the queue's order); null when it is down. */
  readonly handRaisedAt?: string | null;
}

/** A chat message; `toUserId` is null for a message to everyone. Its text is plain text, never HTML. */
export interface ChatMessage {
  readonly id: string;
  readonly roomId: string;
  readonly fromUserId: string;
  readonly fromName: string;
  readonly toUserId: string | null;
  readonly text: string;
  readonly createdAt: string;
}

/** The reactions `sendReaction` takes. */
export const REACTIONS = ['👍', '👎', '👏', '🙌', '🎉', '❤️', '😂', '😮', '🤔', '🙏'] as const;

export type Reaction = (typeof REACTIONS)[number];

/** What a producer carries; `appData.source` tells the tile where to put it. */
export type MediaSource = 'mic' | 'cam' | 'screen' | 'screenAudio';

export interface ProducerInfo {
  readonly producerId: string;
  readonly userId: string;
  readonly kind: ms.MediaKind;
  readonly appData: { readonly source?: MediaSource | string } & Record<string, unknown>;
  readonly paused: boolean;
}

export type JoinRoomResult =
  | {
      readonly status: 'joined';
      readonly room: Room;
      readonly self: RoomUser;
      readonly users: readonly RoomUser[];
      readonly routerRtpCapabilities: ms.RtpCapabilities;
      readonly producers: readonly ProducerInfo[];
      /** The room's running recording, or null (servers before recording leave it out). */
      readonly recording?: ActiveRecording | null;
    }
  | { readonly status: 'waiting' }
  /** Another node holds the room: connect the hub to `url + "/ws"` (same access token) and join there. */
  | { readonly status: 'redirect'; readonly url: string };

/** A recording that is running: `recordingStarted`, `joinRoom`'s `recording`, `GET /api/rooms/{roomId}/recording`. */
export interface ActiveRecording {
  readonly recordingId: string;
  readonly startedAt: string;
}

/** A room's recording as the HTTP API lists it. */
export interface Recording {
  readonly id: string;
  readonly roomId: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationSeconds: number | null;
  readonly sizeBytes: number | null;
  readonly status: 'recording' | 'processing' | 'ready' | 'failed';
  readonly mimeType: string | null;
  readonly error: string | null;
}

export interface TransportInfo {
  readonly id: string;
  readonly iceParameters: ms.IceParameters;
  readonly iceCandidates: ms.IceCandidate[];
  readonly dtlsParameters: ms.DtlsParameters;
  readonly sctpParameters?: ms.SctpParameters;
}

export interface ConsumeResult {
  readonly id: string;
  readonly producerId: string;
  readonly kind: ms.MediaKind;
  readonly rtpParameters: ms.RtpParameters;
  readonly type: string;
  readonly producerPaused: boolean;
  readonly appData: Record<string, unknown>;
}

export interface MediaFlags {
  readonly isMicActive?: boolean;
  readonly isCamActive?: boolean;
  readonly isShareScreen?: boolean;
}

type Empty = Record<string, never>;

/** Only sent when data channels are wanted; the client uses none today. */
export interface SctpCapabilities {
  readonly numStreams: { readonly OS: number; readonly MIS: number };
}

/** Every hub method: its one argument and what it returns. */
export interface HubMethods {
  createRoom: [{ roomId: string }, { roomId: string }];
  joinRoom: [{ roomId: string; inviteToken?: string }, JoinRoomResult];
  leaveRoom: [Empty, Empty];
  updateUser: [MediaFlags, RoomUser];
  getUsersInRoom: [{ roomId: string }, { users: RoomUser[] }];
  admitUser: [{ userId: string }, unknown];
  denyUser: [{ userId: string }, unknown];
  removeUser: [{ userId: string }, unknown];
  getRouterRtpCapabilities: [Empty, ms.RtpCapabilities];
  createWebRtcTransport: [
    { producing: boolean; consuming: boolean; sctpCapabilities?: SctpCapabilities },
    TransportInfo,
  ];
  connectTransport: [{ transportId: string; dtlsParameters: ms.DtlsParameters }, Empty];
  restartIce: [{ transportId: string }, { iceParameters: ms.IceParameters }];
  produce: [
    { transportId: string; kind: ms.MediaKind; rtpParameters: ms.RtpParameters; appData: { source: MediaSource } },
    { id: string },
  ];
  pauseProducer: [{ producerId: string }, Empty];
  resumeProducer: [{ producerId: string }, Empty];
  closeProducer: [{ producerId: string }, Empty];
  consume: [{ transportId: string; producerId: string; rtpCapabilities: ms.RtpCapabilities }, ConsumeResult];
  resumeConsumer: [{ consumerId: string }, Empty];
  pauseConsumer: [{ consumerId: string }, Empty];
  requestKeyFrame: [{ consumerId: string }, Empty];
  setConsumerPreferredLayers: [{ consumerId: string; spatialLayer: number; temporalLayer?: number }, Empty];
  getStats: [{ transportId?: string; producerId?: string; consumerId?: string }, { stats: unknown[] }];
  // Roles and moderation (version 2); hosts only unless said.
  updateRoom: [RoomChanges, { room: Room }];
  setRole: [{ userId: string; role: 'co-host' | 'participant' | 'viewer' }, RoomUser];
  muteUser: [{ userId: string }, Empty];
  stopVideo: [{ userId: string; source: 'cam' | 'screen' }, Empty];
  muteAll: [Empty, Empty];
  askToUnmute: [{ userId: string }, Empty];
  endMeeting: [Empty, Empty];
  raiseHand: [Empty, Empty];
  lowerHand: [{ userId?: string }, Empty];
  sendReaction: [{ emoji: Reaction }, Empty];
  sendMessage: [{ text: string; toUserId?: string | null }, ChatMessage];
  getMessages: [{ before?: string; limit?: number }, { messages: ChatMessage[] }];
  deleteMessage: [{ messageId: string }, Empty];
  startRecording: [Empty, { recordingId: string }];
  stopRecording: [Empty, Empty];
}

/** What `updateRoom` and `PATCH /api/rooms/{roomId}` change; absent fields stay, settings are partial. */
export interface RoomChanges {
  readonly name?: string;
  readonly requireAccessBeforeJoining?: boolean;
  readonly settings?: Partial<RoomSettings>;
}

/** One encoding of `producerLayersWanted`, named by its RID (simulcast as browsers send it) or SSRC. */
export interface LayerWanted {
  readonly rid?: string;
  readonly ssrc?: number;
  readonly active: boolean;
}

/** Every hub event and its one argument. */
export interface HubEvents {
  userJoined: RoomUser;
  /** Why: leaveRoom or a closed connection, a host's removal, silence past the hub's client timeout, the room deleted. */
  userLeft: { userId: string; reason: 'left' | 'removed' | 'disconnected' | 'ended' };
  userUpdated: RoomUser;
  newProducer: ProducerInfo;
  producerClosed: { producerId: string; userId: string };
  producerPaused: { producerId: string };
  producerResumed: { producerId: string };
  consumerClosed: { consumerId: string };
  consumerPaused: { consumerId: string };
  consumerResumed: { consumerId: string };
  /** The simulcast layers the server now forwards; null for both while it forwards none (every layer stopped). */
  consumerLayersChanged: { consumerId: string; spatialLayer: number | null; temporalLayer: number | null };
  activeSpeaker: { userId: string | null };
  /** Quality 0–10 (mediasoup's scores) of what a consumer receives and of its producer's uplink; on change. */
  consumerScore: { consumerId: string; score: number; producerScore: number };
  /** Quality 0–10 of one of our producers' uplink, as the server receives it; on change. */
  producerScore: { producerId: string; score: number };
  /** Which encodings of one of our simulcast producers someone needs; the others may stop being encoded. */
  producerLayersWanted: { producerId: string; encodings: LayerWanted[] };
  joinRequest: { userId: string; name: string };
  /** Beyond the contract's list: a waiting user left or disconnected before the host decided. */
  joinRequestCancelled: { userId: string };
  admitted: { roomId: string };
  denied: { roomId: string };
  removed: { roomId: string };
  roomClosed: { roomId: string };
  /** A host ended the meeting for everyone. */
  meetingEnded: { roomId: string };
  /** The room's name, waiting room, co-hosts or settings changed. */
  roomUpdated: { room: Room };
  sessionReplaced: Record<string, never>;
  /** A host asks this person to unmute; they decide. */
  unmuteRequested: { byUserId: string };
  /** A participant's hub connection was lost (they keep their place for the server's reconnect grace) or is back. */
  userConnectionChanged: { userId: string; connected: boolean };
  /** The server is stopping (a restart or a deploy): reconnect when it is back. */
  serverShuttingDown: Record<string, never>;
  handRaised: { userId: string; raisedAt: string };
  handLowered: { userId: string };
  reaction: { userId: string; emoji: string };
  chatMessage: ChatMessage;
  chatMessageDeleted: { id: string };
  /** A host started recording the meeting. */
  recordingStarted: ActiveRecording;
  /** The recording stopped (its file is composed next). */
  recordingStopped: { recordingId: string };
}

export const HUB_EVENT_NAMES: readonly (keyof HubEvents)[] = [
  'userJoined',
  'userLeft',
  'userUpdated',
  'newProducer',
  'producerClosed',
  'producerPaused',
  'producerResumed',
  'consumerClosed',
  'consumerPaused',
  'consumerResumed',
  'consumerLayersChanged',
  'activeSpeaker',
  'consumerScore',
  'producerScore',
  'producerLayersWanted',
  'joinRequest',
  'joinRequestCancelled',
  'admitted',
  'denied',
  'removed',
  'roomClosed',
  'meetingEnded',
  'roomUpdated',
  'sessionReplaced',
  'serverShuttingDown',
  'unmuteRequested',
  'userConnectionChanged',
  'handRaised',
  'handLowered',
  'reaction',
  'chatMessage',
  'chatMessageDeleted',
  'recordingStarted',
  'recordingStopped',
];

/** One meeting in a room (docs/http-api.md, "Room history and statistics"). */
export interface Session {
  readonly id: string;
  readonly roomId: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly peakParticipants: number;
  readonly participantCount: number;
}

/** A line of `GET /api/me/history`: a session the caller attended, and their own time in it. */
export interface MyHistorySession extends Session {
  readonly roomName: string;
  readonly seconds: number;
}

export interface Attendance {
  readonly userId: string;
  readonly name: string;
  readonly joinedAt: string;
  readonly leftAt: string | null;
  readonly seconds: number;
  readonly usedCam: boolean;
  readonly usedScreen: boolean;
}

export interface RoomStats {
  readonly sessions: number;
  readonly totalSeconds: number;
  readonly averageSeconds: number;
  readonly uniqueParticipants: number;
  readonly participantMinutes: number;
  readonly series: readonly { readonly start: string; readonly sessions: number; readonly participantMinutes: number }[];
}

export interface Template {
  readonly id: string;
  readonly name: string;
  readonly builtIn: boolean;
  readonly requireAccessBeforeJoining: boolean;
  readonly settings: RoomSettings;
}

export interface Invite {
  readonly id: string;
  readonly token: string;
  readonly url: string;
  readonly expiresAt: string | null;
  readonly maxUses: number | null;
  readonly uses: number;
  readonly skipWaitingRoom: boolean;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
}
