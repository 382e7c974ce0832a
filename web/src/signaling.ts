import {
  HttpTransportType,
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type HubConnection,
} from '@microsoft/signalr';
import { HUB_EVENT_NAMES, type HubEvents, type HubMethods, type MediaFlags, type RoomChanges } from './contract';
import { reconnectDelay } from './lib/retry';

export type SignalingState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

/** The part of the hub connection that the meeting and the media session use (tests substitute it). */
export type SignalingClient = Pick<
  Signaling,
  | 'state' | 'start' | 'stop' | 'redirect' | 'on' | 'onStateChange' | 'onReconnected'
  | 'createRoom' | 'joinRoom' | 'leaveRoom' | 'admitUser' | 'denyUser' | 'removeUser'
  | 'createWebRtcTransport' | 'connectTransport' | 'restartIce' | 'produce' | 'pauseProducer' | 'resumeProducer'
  | 'closeProducer' | 'consume' | 'resumeConsumer' | 'setConsumerPreferredLayers'
  | 'updateRoom' | 'setRole' | 'muteUser' | 'stopVideo' | 'muteAll' | 'askToUnmute' | 'endMeeting'
  | 'startRecording' | 'stopRecording'
>;

type Handler<E extends keyof HubEvents> = (payload: HubEvents[E]) => void;
type AnyHandler = (payload: never) => void;

/**
 * The SignalR connection to the hub at `/ws`: typed methods and events of the contract and
 * automatic reconnect. After a reconnect the server sees a new connection that is in no room,
 * so `onReconnected` is where the meeting rejoins.
 */
export class Signaling {
  private readonly connection: HubConnection;
  private readonly handlers = new Map<keyof HubEvents, Set<AnyHandler>>();
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  /** The address the page started from; after losing a node the connection comes back through it. */
  private readonly home: string;
  /** True while moving to another node (a redirect): the close on the way is not a lost connection. */
  private moving = false;

  onStateChange: (state: SignalingState, error?: Error) => void = () => {};
  onReconnected: () => void = () => {};

  constructor(accessTokenFactory: () => Promise<string>, url = '/ws') {
    // Absolute: SignalR resolves a relative URL only when the connection is built, not when it is changed later.
    this.home = typeof location === 'undefined' ? url : new URL(url, location.href).href;
    this.connection = new HubConnectionBuilder()
      .withUrl(url, {
        accessTokenFactory,
        transport: HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling,
      })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (context) => reconnectDelay(context.previousRetryCount, context.elapsedMilliseconds),
      })
      .configureLogging(LogLevel.Warning)
      .build();
    for (const event of HUB_EVENT_NAMES) {
      this.connection.on(event, (payload: unknown) => this.dispatch(event, payload));
    }
    this.connection.onreconnecting((error) => {
      // The node we were sent to may be gone: come back through the starting address, which redirects again.
      this.connection.baseUrl = this.home;
      this.onStateChange('reconnecting', error);
    });
    this.connection.onreconnected(() => {
      this.onStateChange('connected');
      this.onReconnected();
    });
    this.connection.onclose((error) => {
      if (!this.moving) this.onStateChange('disconnected', error);
    });
  }

  get state(): SignalingState {
    switch (this.connection.state) {
      case HubConnectionState.Connected:
        return 'connected';
      case HubConnectionState.Connecting:
        return 'connecting';
      case HubConnectionState.Reconnecting:
        return 'reconnecting';
      default:
        return 'disconnected';
    }
  }

  get connectionId(): string | null {
    return this.connection.connectionId;
  }

  /** Connects unless already connected; concurrent callers share one attempt. */
  async start(): Promise<void> {
    if (this.connection.state === HubConnectionState.Connected) return;
    this.starting ??= (async () => {
      // A stop still in progress (leaving a meeting) must finish before the connection can start again.
      await this.stopping;
      this.onStateChange('connecting');
      try {
        await this.connection.start();
        this.onStateChange('connected');
      } catch (error) {
        this.onStateChange('disconnected', error instanceof Error ? error : undefined);
        throw error;
      }
    })().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    this.stopping ??= this.connection.stop().finally(() => {
      this.stopping = null;
      // The next start goes through the starting address (a redirect sets its own).
      if (!this.moving) this.connection.baseUrl = this.home;
    });
    return this.stopping;
  }

  /**
   * Moves the connection to the node `joinRoom` redirected to (`url + "/ws"`, same access token). When that node
   * cannot be reached the connection goes back to the starting address and the error is thrown.
   */
  async redirect(url: string): Promise<void> {
    this.moving = true;
    try {
      await this.stop();
      this.connection.baseUrl = url.replace(/\/+$/, '') + '/ws';
      await this.connection.start();
    } catch (error) {
      this.connection.baseUrl = this.home;
      throw error;
    } finally {
      this.moving = false;
    }
  }

  /** Subscribes to a hub event; returns the unsubscribe function. */
  on<E extends keyof HubEvents>(event: E, handler: Handler<E>): () => void {
    let set = this.handlers.get(event);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as AnyHandler);
    return () => set.delete(handler as AnyHandler);
  }

  invoke<M extends keyof HubMethods>(method: M, argument: HubMethods[M][0]): Promise<HubMethods[M][1]> {
    return this.connection.invoke<HubMethods[M][1]>(method, argument);
  }

  // Rooms
  createRoom(roomId: string) { return this.invoke('createRoom', { roomId }); }
  /**
   * Joins with the invite link the page was opened with, when it is for this room (set by the invite landing page;
   * the server counts a use only the first time, so a rejoin may send it again).
   */
  joinRoom(roomId: string) {
    const invite = this.invite;
    return this.invoke('joinRoom', invite !== null && invite.roomId === roomId ? { roomId, inviteToken: invite.token } : { roomId });
  }

  /** The invite link for the next joins of its room; null for none. */
  invite: { readonly roomId: string; readonly token: string } | null = null;
  leaveRoom() { return this.invoke('leaveRoom', {}); }
  updateUser(flags: MediaFlags) { return this.invoke('updateUser', flags); }
  getUsersInRoom(roomId: string) { return this.invoke('getUsersInRoom', { roomId }); }
  admitUser(userId: string) { return this.invoke('admitUser', { userId }); }
  denyUser(userId: string) { return this.invoke('denyUser', { userId }); }
  startRecording() { return this.invoke('startRecording', {}); }
  stopRecording() { return this.invoke('stopRecording', {}); }
  removeUser(userId: string) { return this.invoke('removeUser', { userId }); }

  // Media
  getRouterRtpCapabilities() { return this.invoke('getRouterRtpCapabilities', {}); }
  createWebRtcTransport(options: HubMethods['createWebRtcTransport'][0]) { return this.invoke('createWebRtcTransport', options); }
  connectTransport(options: HubMethods['connectTransport'][0]) { return this.invoke('connectTransport', options); }
  restartIce(transportId: string) { return this.invoke('restartIce', { transportId }); }
  produce(options: HubMethods['produce'][0]) { return this.invoke('produce', options); }
  pauseProducer(producerId: string) { return this.invoke('pauseProducer', { producerId }); }
  resumeProducer(producerId: string) { return this.invoke('resumeProducer', { producerId }); }
  closeProducer(producerId: string) { return this.invoke('closeProducer', { producerId }); }
  consume(options: HubMethods['consume'][0]) { return this.invoke('consume', options); }
  resumeConsumer(consumerId: string) { return this.invoke('resumeConsumer', { consumerId }); }
  pauseConsumer(consumerId: string) { return this.invoke('pauseConsumer', { consumerId }); }
  requestKeyFrame(consumerId: string) { return this.invoke('requestKeyFrame', { consumerId }); }
  setConsumerPreferredLayers(options: HubMethods['setConsumerPreferredLayers'][0]) { return this.invoke('setConsumerPreferredLayers', options); }
  getStats(target: HubMethods['getStats'][0]) { return this.invoke('getStats', target); }

  // Moderation (hosts)
  updateRoom(changes: RoomChanges) { return this.invoke('updateRoom', changes); }
  setRole(userId: string, role: HubMethods['setRole'][0]['role']) { return this.invoke('setRole', { userId, role }); }
  muteUser(userId: string) { return this.invoke('muteUser', { userId }); }
  stopVideo(userId: string, source: 'cam' | 'screen') { return this.invoke('stopVideo', { userId, source }); }
  muteAll() { return this.invoke('muteAll', {}); }
  askToUnmute(userId: string) { return this.invoke('askToUnmute', { userId }); }
  endMeeting() { return this.invoke('endMeeting', {}); }

  private dispatch(event: keyof HubEvents, payload: unknown): void {
    const set = this.handlers.get(event);
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        (handler as (payload: unknown) => void)(payload ?? {});
      } catch (error) {
        console.error(`Handler for ${event} failed`, error);
      }
    }
  }
}
