import type { types as ms } from 'mediasoup-client';
import type { ActiveRecording, HubEvents, MediaSource, ProducerInfo, Room, RoomChanges, RoomSettings, RoomUser, User } from './contract';
import { hubErrorMessage, isRoomNotFound, isServerShuttingDown } from './lib/hubError';
import { isHostRole, leftNotice, permissionsOf, settingsOf, type Permissions } from './lib/roles';
import { LostConnections } from './lib/lostConnections';
import { reconnectDelay } from './lib/retry';
import type { LocalMedia } from './localMedia';
import { MediaSession, type ConsumerLayers, type ConsumerScore, type DeviceFactory, type MediaListener, type RemoteTrack } from './media';
import type { SignalingClient, SignalingState } from './signaling';

/** Why a meeting ended, with the sentence to show; `rejoin` says whether "Rejoin" makes sense. */
export interface MeetingEnd {
  readonly reason: 'left' | 'denied' | 'removed' | 'roomClosed' | 'roomNotFound' | 'sessionReplaced' | 'connectionLost' | 'error';
  readonly title: string;
  readonly message: string;
  readonly rejoin: boolean;
}

/** What the room screen shows; the meeting calls it as things happen. */
export interface MeetingView extends MediaListener {
  waiting(): void;
  joined(room: Room, self: RoomUser, users: readonly RoomUser[]): void;
  userUpserted(user: RoomUser): void;
  userRemoved(userId: string): void;
  activeSpeaker(userId: string | null): void;
  joinRequest(userId: string, name: string): void;
  joinRequestResolved(userId: string): void;
  localMediaChanged(): void;
  connection(message: string | null): void;
  notice(message: string): void;
  ended(end: MeetingEnd): void;
  /** A neutral notice (someone joined or left, a host changed something), not an error. */
  info?(message: string): void;
  /** The room's name, co-hosts or settings changed (`roomUpdated`). */
  roomChanged?(room: Room): void;
  /** A participant's hub connection was lost (they keep their place for a while) or is back. */
  userConnection?(userId: string, connected: boolean): void;
  /** A host asks this person to unmute; they decide. */
  unmuteRequested?(byName: string): void;
  /** The meeting started or stopped being recorded (null: not recording). */
  recordingChanged?(recording: ActiveRecording | null): void;
}

export type LocalSource = 'mic' | 'cam' | 'screen';

function roleNotice(role: string, onEntry = false): string {
  switch (role) {
    case 'co-host':
      return 'You are now a co-host.';
    case 'viewer':
      return onEntry
        ? 'You joined as a viewer: you can watch and chat, not send audio or video.'
        : 'A host made you a viewer: you can watch and chat, not send audio or video.';
    default:
      return 'You are now a participant.';
  }
}
/** How many nodes a join follows before it gives up (one is normal; more means the rooms are moving). */
const maxRedirects = 3;

/** The banner while the server restarts (end-to-end tests look for it). */
export const SERVER_RESTARTING = 'The server is restarting — reconnecting…';

/**
 * One person's stay in one room: joins through the hub (waiting room included), runs the media
 * session, routes hub events to it and the view, and after a dropped connection rejoins and
 * restores the media that was on.
 */
export class Meeting {
  private media: MediaSession | null = null;
  private pendingProducers: ProducerInfo[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private status: 'idle' | 'joining' | 'waiting' | 'joined' | 'reconnecting' | 'ended' = 'idle';
  private self: RoomUser | null = null;
  private joinGeneration = 0;
  private lastMediaRebuild = 0;
  /** Set from serverShuttingDown until the connection is back: the meeting reconnects by itself meanwhile. */
  private restarting = false;
  /** The media layer reports to the view, except a dead transport, which the meeting repairs. */
  private readonly mediaListener: MediaListener = {
    remoteTrackAdded: (track) => this.view.remoteTrackAdded(track),
    remoteTrackRemoved: (track) => this.view.remoteTrackRemoved(track),
    remoteTrackPaused: (track, paused) => this.view.remoteTrackPaused(track, paused),
    localTrackEnded: (source) => this.view.localTrackEnded(source),
    transportProblem: (message) => this.mediaFailed(message),
    mediaConnection: (message) => {
      if (this.status === 'joined') this.view.connection(message);
    },
  };
  readonly users = new Map<string, RoomUser>();
  /** The room as last announced (joinRoom, roomUpdated); `room` is the one the meeting started with. */
  private currentRoom: Room;
  /** A host muted our mic (or it started muted on entry); with whoCanUnmute "hosts" only their request frees it. */
  private micHeld = false;
  /** producerPaused for a producer id not known yet: our own, paused before produce answered (mute on entry). */
  private readonly pausedEarly = new Set<string>();
  /** Our own updateRoom calls in flight: their roomUpdated needs no notice for the one who made the change. */
  private updatingRoom = 0;
  /** Others' lost connections, shown only once they last (a reload comes back unnoticed). */
  private readonly lostConnections = new LostConnections((userId, connected) => {
    const name = this.users.get(userId)?.name ?? 'Someone';
    this.view.info?.(connected ? `${name} is back` : `${name} lost connection`);
    this.view.userConnection?.(userId, connected);
  });

  constructor(
    private readonly signaling: SignalingClient,
    readonly room: Room,
    private readonly user: User,
    readonly local: LocalMedia,
    private readonly view: MeetingView,
    private readonly createDevice?: DeviceFactory,
  ) {
    this.currentRoom = room;
  }

  get latestRoom(): Room {
    return this.currentRoom;
  }

  get settings(): RoomSettings {
    return settingsOf(this.currentRoom);
  }

  get isOwner(): boolean {
    return this.currentRoom.ownerId === this.user.id;
  }

  get selfRole(): string | undefined {
    return this.self?.role;
  }

  /** What the control bar offers (the server enforces the same). */
  get permissions(): Permissions {
    return permissionsOf(this.isOwner ? 'host' : this.self?.role, this.settings, this.micHeld);
  }

  get isHost(): boolean {
    return isHostRole(this.self?.role) || this.room.ownerId === this.user.id;
  }

  get selfUserId(): string {
    return this.user.id;
  }

  /** Read-only handles for end-to-end tests (`window.parley`). */
  get handles(): {
    device: ms.Device | null;
    sendTransport: ms.Transport | null;
    recvTransport: ms.Transport | null;
    consumers: Map<string, ms.Consumer>;
    consumerLayers: Map<string, ConsumerLayers>;
    consumerScores: Map<string, ConsumerScore>;
    producers: Map<string, ms.Producer>;
    roomId: string;
  } {
    const media = this.media;
    return {
      device: media?.device ?? null,
      sendTransport: media?.sendTransport ?? null,
      recvTransport: media?.recvTransport ?? null,
      consumers: new Map([...(media?.consumers ?? new Map<string, RemoteTrack>()).entries()].map(([id, r]) => [id, r.consumer])),
      consumerLayers: new Map(media?.consumerLayers ?? []),
      consumerScores: new Map(media?.consumerScores ?? []),
      producers: new Map([...(media?.producers.values() ?? [])].map((p) => [p.id, p])),
      roomId: this.room.id,
    };
  }

  /**
   * Whether this source is on as far as the person is concerned: sending, or about to be sent again
   * once a reconnect finishes. The buttons and the own tile follow this.
   */
  isOn(source: LocalSource): boolean {
    switch (source) {
      case 'mic':
        return this.local.micWanted && this.local.micTrack?.readyState === 'live';
      case 'cam':
        return this.local.camWanted && this.local.camTrack?.readyState === 'live';
      case 'screen':
        return this.local.screenTrack?.readyState === 'live';
    }
  }

  async start(): Promise<void> {
    this.subscribe();
    this.signaling.onStateChange = (state, error) => this.connectionChanged(state, error);
    this.signaling.onReconnected = () => void this.join();
    try {
      await this.signaling.start();
    } catch {
      this.end({ reason: 'connectionLost', title: 'Connection lost', message: 'Could not connect to the meeting server. Check your connection and try again.', rejoin: true });
      return;
    }
    await this.join();
  }

  async leave(): Promise<void> {
    if (this.status === 'ended') return;
    const wasInRoom = this.status === 'joined' || this.status === 'waiting';
    this.teardown();
    if (wasInRoom) await this.signaling.leaveRoom().catch(() => undefined);
    this.view.ended({ reason: 'left', title: 'You left the meeting', message: '', rejoin: true });
  }

  async toggleMic(): Promise<void> {
    await this.guard(async () => {
      const media = this.media;
      const producer = media?.producers.get('mic');
      if (media !== null && producer !== undefined) {
        if (producer.paused) await media.resumeProducer('mic');
        else await media.pauseProducer('mic');
        this.local.micWanted = !producer.paused;
        return;
      }
      const turnOn = !this.isOn('mic');
      this.local.micWanted = turnOn;
      if (!turnOn) return;
      try {
        await this.sendMic();
      } catch (error) {
        this.local.micWanted = false;
        throw error;
      }
    });
  }

  async toggleCam(): Promise<void> {
    await this.guard(async () => {
      if (this.local.camWanted && this.local.camTrack !== null) {
        this.local.camWanted = false;
        await this.media?.closeProducer('cam');
        this.local.stopCam();
        return;
      }
      this.local.camWanted = true;
      try {
        await this.local.openCam();
      } catch (error) {
        this.local.camWanted = false;
        throw error;
      }
      await this.sendCam();
    });
  }

  async toggleScreen(): Promise<void> {
    await this.guard(async () => {
      if (this.local.screenTrack !== null) {
        await this.stopScreen();
        return;
      }
      const track = await this.local.openScreen();
      track.addEventListener('ended', () => void this.stopScreen());
      await this.sendScreen();
    });
  }

  /** Switches microphone or camera; a running producer keeps going with the new device's track. */
  async switchDevice(kind: 'mic' | 'cam', deviceId: string): Promise<void> {
    await this.guard(async () => {
      if (kind === 'mic') {
        if (this.local.micTrack === null) {
          this.local.micDeviceId = deviceId;
          return;
        }
        const track = await this.local.openMic(deviceId);
        await this.media?.replaceTrack('mic', track);
      } else {
        if (!this.isOn('cam')) {
          this.local.camDeviceId = deviceId;
          return;
        }
        const track = await this.local.openCam(deviceId);
        await this.media?.replaceTrack('cam', track);
      }
    });
  }

  /** The spatial layer the page asked for (the tile's size); the network quality grade compares with it. */
  preferredLayerOf(consumerId: string): number | undefined {
    return this.media?.preferredLayerOf(consumerId);
  }

  preferSpatialLayer(consumerId: string, spatialLayer: number): void {
    this.media?.preferSpatialLayer(consumerId, spatialLayer);
  }

  /** Hosts: start or stop recording the meeting (the room hears recordingStarted / recordingStopped). */
  async startRecording(): Promise<void> {
    await this.guard(() => this.signaling.startRecording());
  }

  async stopRecording(): Promise<void> {
    await this.guard(() => this.signaling.stopRecording());
  }

  async admit(userId: string): Promise<void> {
    await this.guard(() => this.signaling.admitUser(userId));
    this.view.joinRequestResolved(userId);
  }

  async deny(userId: string): Promise<void> {
    await this.guard(() => this.signaling.denyUser(userId));
    this.view.joinRequestResolved(userId);
  }

  async remove(userId: string): Promise<void> {
    await this.guard(() => this.signaling.removeUser(userId));
  }

  // Moderation (hosts). A refusal shows the server's reason.

  async muteUser(userId: string): Promise<void> {
    await this.guard(() => this.signaling.muteUser(userId));
  }

  async stopVideo(userId: string, source: 'cam' | 'screen'): Promise<void> {
    await this.guard(() => this.signaling.stopVideo(userId, source));
  }

  async askToUnmute(userId: string): Promise<void> {
    await this.guard(() => this.signaling.askToUnmute(userId));
  }

  async setRole(userId: string, role: 'co-host' | 'participant' | 'viewer'): Promise<void> {
    await this.guard(() => this.signaling.setRole(userId, role));
  }

  async muteAll(): Promise<void> {
    await this.guard(() => this.signaling.muteAll());
  }

  async endMeeting(): Promise<void> {
    await this.guard(() => this.signaling.endMeeting());
  }

  /** Changes the room live (`updateRoom`); true when the server took it. */
  async updateRoom(changes: RoomChanges): Promise<boolean> {
    let ok = false;
    this.updatingRoom++;
    try {
      await this.guard(async () => {
        const { room } = await this.signaling.updateRoom(changes);
        this.roomChanged(room);
        ok = true;
      });
    } finally {
      this.updatingRoom--;
    }
    return ok;
  }

  /** The person accepted a host's request to unmute. */
  async acceptUnmute(): Promise<void> {
    this.micHeld = false;
    if (!this.isOn('mic') || this.media?.producers.get('mic')?.paused === true) await this.toggleMic();
  }

  private async join(): Promise<void> {
    if (this.status === 'ended') return;
    const generation = ++this.joinGeneration;
    this.status = 'joining';
    this.closeMedia();
    try {
      if (this.room.ownerId === this.user.id) await this.signaling.createRoom(this.room.id);
      let result = await this.signaling.joinRoom(this.room.id);
      // The room lives on another node: follow (a node that died meanwhile sends us back and round again).
      for (let hops = 0; result.status === 'redirect' && hops < maxRedirects; hops++) {
        if (generation !== this.joinGeneration || this.isEnded()) return;
        const url = result.url;
        try {
          await this.signaling.redirect(url);
        } catch {
          // That node is gone and its room not yet moved: start over from the starting address in a moment.
          if (generation === this.joinGeneration && !this.isEnded()) void this.serverRestarting();
          return;
        }
        result = await this.signaling.joinRoom(this.room.id);
      }
      if (generation !== this.joinGeneration || this.isEnded()) return;
      if (result.status === 'redirect') throw new Error('The meeting could not be found on any server; try again.');
      if (result.status === 'waiting') {
        this.status = 'waiting';
        this.view.waiting();
        return;
      }
      this.status = 'joined';
      this.self = result.self;
      this.micHeld = false;
      this.pausedEarly.clear();
      this.currentRoom = result.room;
      this.users.clear();
      for (const user of result.users) this.users.set(user.userId, user);
      this.users.set(result.self.userId, result.self);
      this.pendingProducers = [...result.producers, ...this.pendingProducers];
      this.view.joined(result.room, result.self, [...this.users.values()]);
      this.view.recordingChanged?.(result.recording ?? null);
      this.view.connection(null);

      const media = await MediaSession.open(this.signaling, result.routerRtpCapabilities, this.user.id, this.mediaListener, this.createDevice);
      if (generation !== this.joinGeneration || this.isEnded()) {
        media.close();
        return;
      }
      this.media = media;
      // Receiving first: what others send is what the person waits to see.
      const pending = this.pendingProducers;
      this.pendingProducers = [];
      await Promise.all([...pending.map((info) => this.consume(info)), this.restoreLocalMedia()]);
    } catch (error) {
      if (generation !== this.joinGeneration || this.isEnded()) return;
      const message = hubErrorMessage(error);
      if (isServerShuttingDown(message)) {
        // Reconnected to a server that was still stopping: wait for the new one.
        void this.serverRestarting();
      } else if (isRoomNotFound(message)) {
        this.end({ reason: 'roomNotFound', title: 'Room not found', message: 'This room does not exist any more. Check the code or ask for a new link.', rejoin: false });
      } else if (this.signaling.state !== 'connected') {
        // The reconnect handler runs join again once the hub is back.
        this.view.connection('Connection lost. Reconnecting…');
      } else {
        this.end({ reason: 'error', title: 'Could not join the meeting', message, rejoin: true });
      }
    }
  }

  /** Sends what was on before (the pre-join choice, or the state before a reconnect). */
  private async restoreLocalMedia(): Promise<void> {
    const tasks: Promise<void>[] = [];
    const allowed = this.permissions;
    this.releaseDisallowedMedia(allowed);
    if (this.local.micWanted && this.local.micTrack?.readyState === 'live' && allowed.mic) tasks.push(this.sendMic());
    if (this.local.camWanted && this.local.camTrack?.readyState === 'live' && allowed.cam) tasks.push(this.sendCam());
    if (this.local.screenTrack?.readyState === 'live' && allowed.screen) tasks.push(this.sendScreen());
    const results = await Promise.allSettled(tasks);
    for (const result of results) if (result.status === 'rejected') this.view.notice(hubErrorMessage(result.reason));
    this.view.localMediaChanged();
  }

  /**
   * A microphone or camera opened at pre-join that this person may not send here (joined as a viewer, an audio-only
   * room) is released rather than kept open: the device's light goes off and the button no longer shows it on.
   */
  private releaseDisallowedMedia(allowed: Permissions): void {
    const hadMedia = this.local.micTrack !== null || this.local.camTrack !== null;
    if (!allowed.mic && this.local.micTrack !== null) {
      this.local.micWanted = false;
      this.local.stopMic();
    }
    if (!allowed.cam && this.local.camTrack !== null) {
      this.local.camWanted = false;
      this.local.stopCam();
    }
    if (hadMedia && this.self?.role === 'viewer' && !this.isOwner) this.view.info?.(roleNotice('viewer', true));
  }

  private async sendMic(): Promise<void> {
    const track = this.local.micTrack?.readyState === 'live' ? this.local.micTrack : await this.local.openMic();
    if (this.media !== null) this.followEarlyPause('mic', await this.media.produce('mic', track));
  }

  private async sendCam(): Promise<void> {
    const track = this.local.camTrack;
    if (track !== null && this.media !== null) this.followEarlyPause('cam', await this.media.produce('cam', track));
  }

  private async sendScreen(): Promise<void> {
    const media = this.media;
    if (media === null || this.local.screenTrack === null) return;
    await media.produce('screen', this.local.screenTrack);
    if (this.local.screenAudioTrack !== null) await media.produce('screenAudio', this.local.screenAudioTrack);
  }

  private async stopScreen(): Promise<void> {
    this.local.stopScreen();
    await Promise.allSettled([this.media?.closeProducer('screen'), this.media?.closeProducer('screenAudio')]);
    this.view.localMediaChanged();
  }

  private async consume(info: ProducerInfo): Promise<void> {
    const media = this.media;
    if (media === null) {
      this.pendingProducers.push(info);
      return;
    }
    try {
      await media.consume(info);
    } catch (error) {
      // The producer may have closed between the announcement and our request; not worth a message.
      if (!media.isClosed && this.users.has(info.userId)) this.view.notice(`Could not receive media: ${hubErrorMessage(error)}`);
    }
  }

  private subscribe(): void {
    const on = <E extends keyof HubEvents>(event: E, handler: (payload: HubEvents[E]) => void): void => {
      this.unsubscribe.push(this.signaling.on(event, handler));
    };
    on('userJoined', (user) => {
      // A known user joining again is a reconnect, not an arrival.
      if (!this.users.has(user.userId) && user.userId !== this.user.id) this.view.info?.(`${user.name} joined`);
      this.upsertUser(user);
    });
    on('userUpdated', (user) => this.upsertUser(user));
    on('userLeft', ({ userId, reason }) => {
      if (userId === this.user.id) return;
      const name = this.users.get(userId)?.name;
      const notice = name === undefined ? null : leftNotice(name, reason);
      if (notice !== null) this.view.info?.(notice);
      this.lostConnections.forget(userId);
      this.users.delete(userId);
      this.media?.removeConsumersOfUser(userId);
      this.view.userRemoved(userId);
    });
    on('newProducer', (info) => {
      // While joinRoom is in flight the server may already announce producers to us; keep them for after.
      if ((this.status !== 'joined' && this.status !== 'joining') || info.userId === this.user.id) return;
      void this.consume(info);
    });
    on('producerClosed', ({ producerId }) => {
      this.pendingProducers = this.pendingProducers.filter((p) => p.producerId !== producerId);
      this.media?.removeConsumersOfProducer(producerId);
    });
    on('producerPaused', ({ producerId }) => this.media?.setProducerPaused(producerId, true));
    on('producerResumed', ({ producerId }) => this.media?.setProducerPaused(producerId, false));
    on('consumerClosed', ({ consumerId }) => this.media?.removeConsumer(consumerId));
    on('consumerPaused', ({ consumerId }) => this.media?.setConsumerPaused(consumerId, true));
    on('consumerResumed', ({ consumerId }) => this.media?.setConsumerPaused(consumerId, false));
    on('consumerLayersChanged', ({ consumerId, spatialLayer, temporalLayer }) =>
      this.media?.setConsumerLayers(consumerId, { spatialLayer, temporalLayer }));
    on('consumerScore', ({ consumerId, score, producerScore }) => this.media?.setConsumerScore(consumerId, { score, producerScore }));
    on('producerLayersWanted', ({ producerId, encodings }) => void this.media?.applyLayersWanted(producerId, encodings));
    on('activeSpeaker', ({ userId }) => this.view.activeSpeaker(userId ?? null));
    on('recordingStarted', (recording) => this.view.recordingChanged?.(recording));
    on('recordingStopped', () => this.view.recordingChanged?.(null));
    on('joinRequest', ({ userId, name }) => {
      if (this.isHost) this.view.joinRequest(userId, name);
    });
    on('joinRequestCancelled', ({ userId }) => this.view.joinRequestResolved(userId));
    on('admitted', ({ roomId }) => {
      if (roomId === this.room.id && this.status === 'waiting') void this.join();
    });
    on('denied', ({ roomId }) => {
      if (roomId !== this.room.id) return;
      this.end({ reason: 'denied', title: 'Not admitted', message: 'The host did not let you into this meeting.', rejoin: false });
    });
    on('removed', ({ roomId }) => {
      if (roomId !== this.room.id) return;
      this.end({ reason: 'removed', title: 'Removed from the meeting', message: 'The host removed you from this meeting.', rejoin: false });
    });
    on('roomClosed', ({ roomId }) => {
      if (roomId !== this.room.id) return;
      this.end({ reason: 'roomClosed', title: 'Meeting ended', message: 'The host closed this room.', rejoin: false });
    });
    on('meetingEnded', ({ roomId }) => {
      if (roomId !== this.room.id) return;
      this.end({ reason: 'roomClosed', title: 'Meeting ended', message: 'A host ended the meeting for everyone.', rejoin: false });
    });
    on('roomUpdated', ({ room }) => {
      if (room.id !== this.room.id) return;
      const before = this.currentRoom;
      this.roomChanged(room);
      if (this.updatingRoom > 0) return;
      if (room.name !== before.name) this.view.info?.(`The room is now called "${room.name}".`);
      else if (JSON.stringify(room.settings) !== JSON.stringify(before.settings)) this.view.info?.('A host changed the room\'s settings.');
    });
    this.subscribeModeration(on);
    on('serverShuttingDown', () => void this.serverRestarting());
    on('sessionReplaced', () => {
      this.end({ reason: 'sessionReplaced', title: 'Joined from somewhere else', message: 'You joined this meeting from another tab or device, so this one left.', rejoin: true });
      // Stop so automatic reconnect does not take the room back from the newer session.
      void this.signaling.stop();
    });
  }

  /** What hosts do to this person's media, and how others' connections come and go. */
  private subscribeModeration(on: <E extends keyof HubEvents>(event: E, handler: (payload: HubEvents[E]) => void) => void): void {
    on('producerPaused', ({ producerId }) => {
      const source = this.media?.sourceOfProducer(producerId);
      if (source === undefined) {
        if (this.status === 'joined') this.pausedEarly.add(producerId);
        return;
      }
      this.serverPaused(source, false);
    });
    on('producerClosed', ({ producerId, userId }) => {
      if (userId !== this.user.id) return;
      const source = this.media?.sourceOfProducer(producerId);
      // Undefined: we closed it ourselves.
      if (source !== undefined) void this.serverClosed(source);
    });
    on('unmuteRequested', ({ byUserId }) => {
      this.micHeld = false;
      this.view.localMediaChanged();
      this.view.unmuteRequested?.(this.users.get(byUserId)?.name ?? 'A host');
    });
    on('userConnectionChanged', ({ userId, connected }) => {
      if (userId !== this.user.id) this.lostConnections.changed(userId, connected);
    });
  }

  private roomChanged(room: Room): void {
    this.currentRoom = room;
    this.view.roomChanged?.(room);
    this.view.localMediaChanged();
  }

  /** Our producer was paused before produce answered (mute / camera off on entry): follow it now. */
  private followEarlyPause(source: MediaSource, producer: ms.Producer): void {
    if (this.pausedEarly.delete(producer.id)) this.serverPaused(source, true);
    this.pausedEarly.clear();
  }

  /** The server paused one of our producers: a host muted the mic, or the room mutes / turns cameras off on entry. */
  private serverPaused(source: MediaSource, onEntry: boolean): void {
    const producer = this.media?.producers.get(source);
    // Already paused here: the event is the echo of our own pause.
    if (producer === undefined || producer.paused) return;
    if (source === 'mic') {
      this.media?.followPaused('mic');
      this.local.micWanted = false;
      this.micHeld = true;
      this.view.info?.(onEntry ? 'Microphones are muted on entry in this room.' : 'A host muted your microphone.');
    } else if (source === 'cam') {
      this.view.info?.('Cameras are off on entry in this room; turn yours on when you are ready.');
      void this.toggleCam();
      return;
    }
    this.view.localMediaChanged();
  }

  /** The server closed one of our producers: a host stopped it, or our role or the room no longer allows it. */
  private async serverClosed(source: MediaSource): Promise<void> {
    this.media?.followClosed(source);
    if (source === 'mic') {
      this.local.micWanted = false;
      this.local.stopMic();
    } else if (source === 'cam') {
      this.local.camWanted = false;
      this.local.stopCam();
      this.view.info?.(this.permissions.cam ? 'A host turned off your camera.' : 'Video is off for you in this room.');
    } else if (source === 'screen') {
      this.view.info?.(this.permissions.screen ? 'A host stopped your screen share.' : 'You can no longer share your screen in this room.');
      await this.stopScreen();
    }
    this.view.localMediaChanged();
  }

  /**
   * A WebRTC transport that an ICE restart could not revive: leave and join again over the same hub
   * connection, which builds new transports. At most once every 30 s so a broken network cannot loop.
   */
  private mediaFailed(message: string): void {
    if (this.status !== 'joined') return;
    if (Date.now() - this.lastMediaRebuild < 30_000) {
      this.view.notice(message);
      return;
    }
    this.lastMediaRebuild = Date.now();
    this.view.connection('Media connection lost. Reconnecting…');
    this.closeMedia();
    void this.signaling
      .leaveRoom()
      .catch(() => undefined)
      .then(() => this.join());
  }

  /**
   * The server is stopping (a restart or a deploy). Close the connection at once (the server waits for its clients
   * to go before it closes them), say so, and come back by ourselves: start again with the reconnect back-off until
   * the server answers, then rejoin the same room, sending what was on before.
   */
  private async serverRestarting(): Promise<void> {
    if (this.isEnded() || this.restarting) return;
    this.restarting = true;
    this.status = 'reconnecting';
    this.joinGeneration++;
    this.closeMedia();
    this.view.connection(SERVER_RESTARTING);
    await this.signaling.stop().catch(() => undefined);
    const since = Date.now();
    // From the second step of the back-off: the server needs a moment to go, and to come back.
    for (let attempt = 1; ; attempt++) {
      const delay = reconnectDelay(attempt, Date.now() - since);
      if (delay === null) {
        this.restarting = false;
        this.end({ reason: 'connectionLost', title: 'Connection lost', message: 'The meeting server did not come back after restarting.', rejoin: true });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.isEnded()) return;
      try {
        await this.signaling.start();
        break;
      } catch {
        this.view.connection(SERVER_RESTARTING);
      }
    }
    this.restarting = false;
    await this.join();
  }

  private upsertUser(user: RoomUser): void {
    if (user.roomId !== undefined && user.roomId !== this.room.id) return;
    this.users.set(user.userId, user);
    if (user.userId === this.user.id) {
      if (this.self !== null && this.self.role !== user.role) this.view.info?.(roleNotice(user.role));
      this.self = user;
    }
    this.view.userUpserted(user);
  }

  private connectionChanged(state: SignalingState, error?: Error): void {
    // While the server restarts the meeting reconnects by itself; the failed attempts are expected.
    if (this.isEnded() || this.restarting) return;
    if (state === 'reconnecting') {
      this.status = 'reconnecting';
      this.joinGeneration++;
      this.closeMedia();
      this.view.connection('Connection lost. Reconnecting…');
    } else if (state === 'disconnected' && this.status !== 'idle') {
      this.end({
        reason: 'connectionLost',
        title: 'Connection lost',
        message: error?.message !== undefined && error.message.length > 0
          ? `The connection to the meeting server was lost and could not be restored (${error.message}).`
          : 'The connection to the meeting server was lost and could not be restored.',
        rejoin: true,
      });
    } else if (state === 'connected' && this.status === 'reconnecting') {
      this.view.connection('Reconnected. Rejoining the meeting…');
    }
  }

  private async guard(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.view.notice(error instanceof Error && error.name === 'MediaAccessError' ? error.message : hubErrorMessage(error));
    } finally {
      this.view.localMediaChanged();
    }
  }

  private closeMedia(): void {
    this.media?.close();
    this.media = null;
    this.pendingProducers = [];
  }

  private isEnded(): boolean {
    return this.status === 'ended';
  }

  private end(end: MeetingEnd): void {
    if (this.isEnded()) return;
    this.teardown();
    this.view.ended(end);
  }

  private teardown(): void {
    this.status = 'ended';
    this.joinGeneration++;
    this.closeMedia();
    this.local.stopAll();
    this.lostConnections.clear();
    for (const off of this.unsubscribe.splice(0)) off();
    this.signaling.onStateChange = () => {};
    this.signaling.onReconnected = () => {};
  }
}
