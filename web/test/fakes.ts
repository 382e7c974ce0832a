import { Device, FakeHandler, testFakeParameters, type types as ms } from 'mediasoup-client';
import type { ActiveRecording, HubEvents, HubMethods, Room, RoomUser, User } from '../src/contract';
import type { RemoteTrack } from '../src/media';
import type { MeetingEnd, MeetingView } from '../src/meeting';
import type { SignalingClient, SignalingState } from '../src/signaling';

type Method = keyof HubMethods;
type Responder<M extends Method> = (argument: HubMethods[M][0]) => HubMethods[M][1] | Promise<HubMethods[M][1]>;

export interface HubCall {
  readonly method: Method;
  readonly argument: unknown;
}

let sequence = 0;
export const nextId = (prefix: string): string => `${prefix}${++sequence}`;

/** A device on mediasoup-client's own fake handler, so transports, producers and consumers run in Node. */
export const fakeDevice = (): Promise<Device> => Device.factory({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
export const routerRtpCapabilities = (): ms.RtpCapabilities => testFakeParameters.generateRouterRtpCapabilities();

/**
 * The hub as the contract describes it, in memory: records every call, answers with defaults that
 * follow the contract (or with a responder a test sets), and lets a test raise server events.
 */
export class FakeHub implements SignalingClient {
  readonly calls: HubCall[] = [];
  state: SignalingState = 'disconnected';
  onStateChange: (state: SignalingState, error?: Error) => void = () => {};
  onReconnected: () => void = () => {};
  stopped = 0;
  private readonly handlers = new Map<string, Set<(payload: never) => void>>();
  private readonly responders = new Map<Method, Responder<never>>();

  respond<M extends Method>(method: M, responder: Responder<M>): void {
    this.responders.set(method, responder as unknown as Responder<never>);
  }

  callsOf<M extends Method>(method: M): HubMethods[M][0][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.argument as HubMethods[M][0]);
  }

  emit<E extends keyof HubEvents>(event: E, payload: HubEvents[E]): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) (handler as (p: HubEvents[E]) => void)(payload);
  }

  /** The connection drops and comes back as a new connection, as SignalR's automatic reconnect does. */
  dropAndReconnect(): void {
    this.state = 'reconnecting';
    this.onStateChange('reconnecting', new Error('WebSocket closed with status code: 1006'));
    this.state = 'connected';
    this.onStateChange('connected');
    this.onReconnected();
  }

  /** How many coming start() calls fail, as while a server restarts. */
  failStarts = 0;
  starts = 0;

  async start(): Promise<void> {
    this.starts++;
    if (this.failStarts > 0) {
      this.failStarts--;
      this.state = 'disconnected';
      this.onStateChange('disconnected', new Error('Failed to complete negotiation with the server: TypeError: fetch failed'));
      throw new Error('Failed to complete negotiation with the server: TypeError: fetch failed');
    }
    this.state = 'connected';
  }

  async stop(): Promise<void> {
    this.stopped++;
    this.state = 'disconnected';
  }

  /** The nodes `redirect` was sent to. */
  readonly redirects: string[] = [];

  async redirect(url: string): Promise<void> {
    this.redirects.push(url);
    await this.stop();
    await this.start();
  }

  on<E extends keyof HubEvents>(event: E, handler: (payload: HubEvents[E]) => void): () => void {
    let set = this.handlers.get(event);
    if (set === undefined) this.handlers.set(event, (set = new Set()));
    set.add(handler as (payload: never) => void);
    return () => set.delete(handler as (payload: never) => void);
  }

  createRoom(roomId: string) { return this.call('createRoom', { roomId }); }
  joinRoom(roomId: string) { return this.call('joinRoom', { roomId }); }
  leaveRoom() { return this.call('leaveRoom', {}); }
  admitUser(userId: string) { return this.call('admitUser', { userId }); }
  denyUser(userId: string) { return this.call('denyUser', { userId }); }
  removeUser(userId: string) { return this.call('removeUser', { userId }); }
  startRecording() { return this.call('startRecording', {}); }
  stopRecording() { return this.call('stopRecording', {}); }
  createWebRtcTransport(options: HubMethods['createWebRtcTransport'][0]) { return this.call('createWebRtcTransport', options); }
  connectTransport(options: HubMethods['connectTransport'][0]) { return this.call('connectTransport', options); }
  restartIce(transportId: string) { return this.call('restartIce', { transportId }); }
  produce(options: HubMethods['produce'][0]) { return this.call('produce', options); }
  pauseProducer(producerId: string) { return this.call('pauseProducer', { producerId }); }
  resumeProducer(producerId: string) { return this.call('resumeProducer', { producerId }); }
  closeProducer(producerId: string) { return this.call('closeProducer', { producerId }); }
  consume(options: HubMethods['consume'][0]) { return this.call('consume', options); }
  resumeConsumer(consumerId: string) { return this.call('resumeConsumer', { consumerId }); }
  setConsumerPreferredLayers(options: HubMethods['setConsumerPreferredLayers'][0]) { return this.call('setConsumerPreferredLayers', options); }
  updateRoom(changes: HubMethods['updateRoom'][0]) { return this.call('updateRoom', changes); }
  setRole(userId: string, role: HubMethods['setRole'][0]['role']) { return this.call('setRole', { userId, role }); }
  muteUser(userId: string) { return this.call('muteUser', { userId }); }
  stopVideo(userId: string, source: 'cam' | 'screen') { return this.call('stopVideo', { userId, source }); }
  muteAll() { return this.call('muteAll', {}); }
  askToUnmute(userId: string) { return this.call('askToUnmute', { userId }); }
  endMeeting() { return this.call('endMeeting', {}); }

  private async call<M extends Method>(method: M, argument: HubMethods[M][0]): Promise<HubMethods[M][1]> {
    this.calls.push({ method, argument });
    if (this.state !== 'connected') throw new Error("Cannot send data if the connection is not in the 'Connected' State.");
    const responder = this.responders.get(method) as unknown as Responder<M> | undefined;
    if (responder !== undefined) return responder(argument);
    return defaultResponse(method, argument) as HubMethods[M][1];
  }
}

function defaultResponse(method: Method, argument: unknown): unknown {
  switch (method) {
    case 'createWebRtcTransport':
      return testFakeParameters.generateTransportRemoteParameters();
    case 'produce':
      return { id: nextId('producer') };
    case 'createRoom':
      return { roomId: (argument as { roomId: string }).roomId };
    case 'restartIce':
      return { iceParameters: testFakeParameters.generateTransportRemoteParameters().iceParameters };
    case 'consume': {
      const { producerId } = argument as { producerId: string };
      const remote = testFakeParameters.generateConsumerRemoteParameters({ codecMimeType: 'video/VP8' });
      return { id: nextId('consumer'), producerId, kind: remote.kind, rtpParameters: remote.rtpParameters, type: 'simulcast', producerPaused: false, appData: {} };
    }
    default:
      return {};
  }
}

/** Records what the meeting tells the screen. */
export class RecordingView implements MeetingView {
  readonly log: string[] = [];
  readonly added: RemoteTrack[] = [];
  readonly removed: RemoteTrack[] = [];
  readonly users = new Map<string, RoomUser>();
  readonly ends: MeetingEnd[] = [];
  readonly notices: string[] = [];
  banner: string | null = null;

  waiting(): void { this.log.push('waiting'); }
  joined(_room: Room, self: RoomUser, users: readonly RoomUser[]): void {
    this.log.push('joined');
    this.users.clear();
    for (const user of users) this.users.set(user.userId, user);
    this.users.set(self.userId, self);
  }
  userUpserted(user: RoomUser): void { this.users.set(user.userId, user); }
  userRemoved(userId: string): void { this.users.delete(userId); }
  activeSpeaker(userId: string | null): void { this.log.push(`speaker:${userId}`); }
  joinRequest(userId: string, name: string): void { this.log.push(`request:${userId}:${name}`); }
  joinRequestResolved(userId: string): void { this.log.push(`resolved:${userId}`); }
  localMediaChanged(): void {}
  connection(message: string | null): void { this.banner = message; }
  notice(message: string): void { this.notices.push(message); }
  readonly infos: string[] = [];
  info(message: string): void { this.infos.push(message); }
  userConnection(userId: string, connected: boolean): void { this.log.push(`connection:${userId}:${connected}`); }
  unmuteRequested(byName: string): void { this.log.push(`unmute?:${byName}`); }
  ended(end: MeetingEnd): void { this.ends.push(end); }
  readonly recordings: (ActiveRecording | null)[] = [];
  recordingChanged(recording: ActiveRecording | null): void { this.recordings.push(recording); }
  remoteTrackAdded(track: RemoteTrack): void { this.added.push(track); }
  remoteTrackRemoved(track: RemoteTrack): void { this.removed.push(track); }
  remoteTrackPaused(track: RemoteTrack, paused: boolean): void { this.log.push(`${paused ? 'paused' : 'resumed'}:${track.producerId}`); }
  localTrackEnded(source: string): void { this.log.push(`ended:${source}`); }
  transportProblem(message: string): void { this.notices.push(message); }
  mediaConnection(message: string | null): void { this.banner = message; }
}

export const user = (id: string, name: string): User => ({ id, email: `${id}@example.org`, name });

export const room = (ownerId: string, requireAccessBeforeJoining = false): Room => ({
  id: 'room1', name: 'Standup', joinCode: 'ABC234', ownerId, requireAccessBeforeJoining,
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
});

export const roomUser = (userId: string, name: string, role = 'participant'): RoomUser => ({
  id: `ru-${userId}`, roomId: 'room1', userId, name, role, isMicActive: false, isCamActive: false, isShareScreen: false,
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
});

/** Lets queued promise callbacks (fake handler steps, hub replies) run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};
