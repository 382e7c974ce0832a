import type { ActiveRecording, Room, RoomUser } from '../contract';
import { gridLayout } from '../lib/grid';
import { spatialLayerFor } from '../lib/layers';
import { inviteLink } from '../lib/routes';
import type { RemoteTrack } from '../media';
import type { Meeting, MeetingEnd, MeetingView } from '../meeting';
import type { RoomHub } from './chatPanel';
import { clear, copyText, h, icon } from './dom';
import { DevicePanel } from './devicePanel';
import { chooseOutput } from './audioOutput';
import { NetworkQualityMonitor } from './networkQuality';
import { hostTools, personItem } from './peoplePanel';
import { openSettingsDialog } from './settingsDialog';
import { StageFullscreen } from './stageFullscreen';
import { StageLayout } from './stageLayout';
import { playNoticeSound } from './noticeSound';
import { showUnmutePrompt } from './unmutePrompt';
import { isHostRole } from '../lib/roles';
import { ParticipantTile, ScreenTile } from './tile';
import { MeetingExtras } from './meetingExtras';
import { RecordingIndicator } from './recordingIndicator';
import { toast } from './toast';
import type { View } from './view';

export interface RoomViewOptions {
  readonly room: Room;
  readonly selfUserId: string;
  readonly onEnded: (end: MeetingEnd) => void;
  /** The hub, for chat, hands and reactions (absent: the screen has none of them). */
  readonly hub?: RoomHub;
}

/**
 * The meeting screen: a responsive grid of participant tiles, screen shares as big tiles,
 * the control bar, and for the host the join requests and a participant list with Remove.
 */
export class RoomView implements MeetingView, View {
  readonly element: HTMLElement;
  private meeting: Meeting | null = null;
  private readonly tiles = new Map<string, ParticipantTile>();
  private readonly screens = new Map<string, ScreenTile>();
  private readonly users = new Map<string, RoomUser>();
  private readonly cameraConsumers = new Set<string>();
  private readonly grid: HTMLElement;
  private readonly screenArea: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly waitingPanel: HTMLElement;
  private readonly requests: HTMLElement;
  private readonly people: HTMLElement;
  private readonly sidePanel: HTMLElement;
  private readonly countLabel: HTMLElement;
  private readonly title: HTMLElement;
  private readonly micButton: HTMLButtonElement;
  private readonly camButton: HTMLButtonElement;
  private readonly screenButton: HTMLButtonElement;
  private readonly peopleButton: HTMLButtonElement;
  private readonly resizeObserver: ResizeObserver;
  private readonly devicePanel: DevicePanel;
  private readonly extras: MeetingExtras | null;
  private activeSpeakerId: string | null = null;
  private readonly recording = new RecordingIndicator({
    start: async () => this.meeting?.startRecording(),
    stop: async () => this.meeting?.stopRecording(),
  });
  private room: Room;
  /** Users whose hub connection is lost (the server keeps their place for its reconnect grace). */
  private readonly lost = new Set<string>();
  private readonly hostToolsSlot: HTMLElement;
  private readonly stageLayout: StageLayout;
  private readonly stageFullscreen: StageFullscreen;
  private readonly qualityMonitor: NetworkQualityMonitor;

  constructor(private readonly options: RoomViewOptions) {
    this.room = options.room;
    const link = inviteLink(location.origin, this.room.joinCode);
    const copy = async (text: string, what: string): Promise<void> => {
      toast((await copyText(text)) ? `${what} copied` : `Could not copy: ${text}`);
    };
    this.title = h('h1', { className: 'room-title', 'data-testid': 'room-name' }, this.room.name);
    this.countLabel = h('span', { className: 'muted', 'data-testid': 'participant-count' });
    this.banner = h('div', { className: 'banner', role: 'status', 'data-testid': 'connection-banner', hidden: true });
    this.grid = h('section', { className: 'grid', 'data-testid': 'grid' });
    this.screenArea = h('section', { className: 'screen-area', 'data-testid': 'screen-area', hidden: true });
    this.stage = h('div', { className: 'stage' }, this.screenArea, this.grid);
    this.stageFullscreen = new StageFullscreen(this.stage);
    this.waitingPanel = h('div', { className: 'waiting', 'data-testid': 'waiting', hidden: true },
      h('div', { className: 'spinner', 'aria-hidden': 'true' }),
      h('h2', {}, 'Waiting for the host to let you in…'),
      h('p', { className: 'muted' }, 'You will join as soon as the host admits you.'),
      h('button', { type: 'button', className: 'btn', 'data-testid': 'btn-cancel-waiting', onclick: () => void this.meeting?.leave() }, 'Cancel'),
    );
    this.requests = h('ul', { className: 'request-list', 'data-testid': 'join-requests' });
    this.people = h('ul', { className: 'people-list', 'data-testid': 'people-list' });
    this.hostToolsSlot = h('div', { className: 'host-tools-slot' });
    this.extras = options.hub === undefined ? null : new MeetingExtras(options.hub, options.selfUserId, (userId) => this.tiles.get(userId)?.element);
    this.sidePanel = h('aside', { className: 'side-panel', 'data-testid': 'side-panel', hidden: true },
      this.hostToolsSlot,
      h('h2', {}, 'Join requests'), this.requests,
      this.extras?.hands.queue,
      h('h2', {}, 'People'), this.people,
    );
    this.stageLayout = new StageLayout(this.grid, this.tiles, () => this.activeSpeakerId, () => this.layout());
    this.qualityMonitor = new NetworkQualityMonitor(() => this.meeting, (userId, level, detail) => this.tiles.get(userId)?.setQuality(level, detail));
    this.micButton = controlButton('btn-mic', 'Microphone', () => void this.meeting?.toggleMic());
    this.camButton = controlButton('btn-cam', 'Camera', () => void this.meeting?.toggleCam());
    this.screenButton = controlButton('btn-screen', 'Share screen', () => void this.meeting?.toggleScreen());
    this.peopleButton = controlButton('btn-people', 'People', () => this.toggleSidePanel());
    this.peopleButton.append(icon('people'));
    this.devicePanel = new DevicePanel(() => this.meeting?.local ?? null, (kind, deviceId) => {
      void this.meeting?.switchDevice(kind, deviceId).then(() => this.devicePanel.refresh());
    }, (deviceId) => chooseOutput(deviceId, [...this.tiles.values()].flatMap((tile) => tile.audioElements())));
    const settingsButton = controlButton('btn-settings', 'Devices', () => void this.devicePanel.toggle());
    settingsButton.append(icon('settings'));
    const leaveButton = controlButton('btn-leave', 'Leave', () => void this.meeting?.leave());
    leaveButton.classList.add('btn-leave');
    leaveButton.append(icon('leave'));
    if (typeof navigator.mediaDevices?.getDisplayMedia !== 'function') this.screenButton.hidden = true;

    this.element = h('main', { className: 'screen room-screen', 'data-testid': 'room-view', 'data-room-id': this.room.id },
      h('header', { className: 'room-bar' },
        h('div', { className: 'room-heading' }, this.title, this.countLabel),
        this.recording.element,
        h('span', { className: 'spacer' }),
        h('code', { className: 'join-code', 'data-testid': 'join-code', title: 'Join code' }, this.room.joinCode),
        h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-copy-code', onclick: () => void copy(this.room.joinCode, 'Join code') }, icon('copy'), 'Code'),
        h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-copy-link', title: link, onclick: () => void copy(link, 'Invite link') }, icon('copy'), 'Invite link'),
      ),
      this.banner,
      h('div', { className: 'room-body' }, this.stage, this.waitingPanel, this.sidePanel, this.extras?.chat.element),
      this.devicePanel.element,
      h('footer', { className: 'controls' }, this.micButton, this.camButton, this.screenButton, settingsButton, this.stageLayout.button, this.stageFullscreen.button, this.peopleButton, ...(this.extras?.controls ?? []), leaveButton),
    );
    this.resizeObserver = new ResizeObserver(() => this.layout());
    this.resizeObserver.observe(this.grid);
    this.localMediaChanged();
  }

  attach(meeting: Meeting): void {
    this.meeting = meeting;
    this.localMediaChanged();
  }

  dispose(): void {
    this.qualityMonitor.stop();
    this.stageFullscreen.dispose();
    document.querySelector('[data-testid="unmute-prompt"]')?.remove();
    this.resizeObserver.disconnect();
    this.extras?.dispose();
    for (const tile of this.tiles.values()) tile.dispose();
    for (const tile of this.screens.values()) tile.dispose();
    this.tiles.clear();
    this.screens.clear();
  }

  // MeetingView

  recordingChanged(recording: ActiveRecording | null): void {
    this.recording.set(recording);
  }

  waiting(): void {
    this.waitingPanel.hidden = false;
    this.stage.hidden = true;
    this.element.dataset['status'] = 'waiting';
  }

  joined(room: Room, self: RoomUser, users: readonly RoomUser[]): void {
    this.room = room;
    this.recording.setHost(self.role === 'host' || self.role === 'co-host' || room.ownerId === self.userId);
    this.title.textContent = room.name;
    this.waitingPanel.hidden = true;
    this.stage.hidden = false;
    this.element.dataset['status'] = 'joined';
    for (const [userId, tile] of this.tiles) {
      if (!users.some((u) => u.userId === userId)) {
        tile.dispose();
        this.tiles.delete(userId);
        this.users.delete(userId);
      }
    }
    for (const user of users) this.userUpserted(user);
    this.userUpserted(self);
    this.extras?.joined(room, self, users);
    this.sidePanel.hidden = !this.isHost() || this.sidePanel.dataset['closed'] === 'true';
    this.peopleButton.hidden = false;
    this.roomChanged(room);
    this.qualityMonitor.start();
  }

  userUpserted(user: RoomUser): void {
    this.users.set(user.userId, user);
    if (user.userId === this.options.selfUserId) this.recording.setHost(user.role === 'host' || user.role === 'co-host');
    let tile = this.tiles.get(user.userId);
    if (tile === undefined) {
      const isSelf = user.userId === this.options.selfUserId;
      tile = new ParticipantTile(user.userId, isSelf);
      const userId = user.userId;
      tile.pinButton.addEventListener('click', () => this.stageLayout.togglePin(userId));
      tile.setConnectionLost(this.lost.has(userId));
      this.tiles.set(user.userId, tile);
      if (isSelf) this.grid.prepend(tile.element);
      else this.grid.append(tile.element);
      tile.setSpeaking(user.userId === this.activeSpeakerId);
    }
    tile.setUser(user);
    this.screens.get(user.userId)?.setName(user.name);
    if (user.userId === this.options.selfUserId) this.localMediaChanged();
    this.extras?.userUpserted(user);
    this.renderPeople();
    this.layout();
  }

  userRemoved(userId: string): void {
    this.tiles.get(userId)?.dispose();
    this.tiles.delete(userId);
    this.screens.get(userId)?.dispose();
    this.screens.delete(userId);
    this.users.delete(userId);
    this.lost.delete(userId);
    this.stageLayout.forget(userId);
    this.extras?.userRemoved(userId);
    this.joinRequestResolved(userId);
    this.renderPeople();
    this.layout();
  }

  remoteTrackAdded(track: RemoteTrack): void {
    const tile = this.tiles.get(track.userId);
    if (track.kind === 'audio') {
      tile?.addAudio(track.consumer.id, track.consumer.track);
    } else if (track.source === 'screen') {
      this.screens.get(track.userId)?.dispose();
      const screen = new ScreenTile(track.userId, this.users.get(track.userId)?.name ?? 'Someone', track.consumer.track, false);
      this.screens.set(track.userId, screen);
      this.screenArea.append(screen.element);
    } else {
      tile?.setVideoTrack(track.consumer.track);
      this.cameraConsumers.add(track.consumer.id);
    }
    this.layout();
  }

  remoteTrackRemoved(track: RemoteTrack): void {
    this.cameraConsumers.delete(track.consumer.id);
    const tile = this.tiles.get(track.userId);
    if (track.kind === 'audio') {
      tile?.removeAudio(track.consumer.id);
    } else if (track.source === 'screen') {
      this.screens.get(track.userId)?.dispose();
      this.screens.delete(track.userId);
    } else if (tile?.hasVideoTrack(track.consumer.track) === true) {
      tile.setVideoTrack(null);
    }
    this.layout();
  }

  remoteTrackPaused(track: RemoteTrack, paused: boolean): void {
    if (track.kind === 'video' && track.source === 'cam') this.tiles.get(track.userId)?.setVideoPaused(paused);
  }

  localTrackEnded(source: string): void {
    if (source === 'screen') void this.meeting?.toggleScreen();
    else this.notice(source === 'mic' ? 'Your microphone stopped working.' : source === 'cam' ? 'Your camera stopped working.' : 'A shared track ended.');
  }

  transportProblem(message: string): void {
    this.notice(message);
  }

  mediaConnection(message: string | null): void {
    this.connection(message);
  }

  activeSpeaker(userId: string | null): void {
    this.activeSpeakerId = userId;
    for (const [id, tile] of this.tiles) tile.setSpeaking(id === userId);
    this.stageLayout.speakerChanged();
  }

  info(message: string): void {
    console.info(`[parley] ${message}`);
    toast(message);
    playNoticeSound();
  }

  roomChanged(room: Room): void {
    this.room = room;
    this.title.textContent = room.name;
    this.title.title = room.name;
    // The tab's title follows a rename too, not only the heading.
    document.title = `${room.name} · Parley`;
    this.element.dataset['locked'] = String(room.settings?.locked === true);
    this.renderPeople();
    this.localMediaChanged();
  }

  userConnection(userId: string, connected: boolean): void {
    if (connected) this.lost.delete(userId);
    else this.lost.add(userId);
    this.tiles.get(userId)?.setConnectionLost(!connected);
    this.renderPeople();
  }

  unmuteRequested(byName: string): void {
    showUnmutePrompt(byName, () => void this.meeting?.acceptUnmute());
  }

  joinRequest(userId: string, name: string): void {
    this.joinRequestResolved(userId);
    const item = h('li', { className: 'request', 'data-testid': `join-request-${userId}`, 'data-user-id': userId },
      h('span', { className: 'request-name' }, name),
      h('button', { type: 'button', className: 'btn btn-small btn-primary', 'data-testid': `admit-${userId}`, onclick: () => void this.meeting?.admit(userId) }, 'Admit'),
      h('button', { type: 'button', className: 'btn btn-small btn-ghost', 'data-testid': `deny-${userId}`, onclick: () => void this.meeting?.deny(userId) }, 'Deny'),
    );
    this.requests.append(item);
    this.sidePanel.hidden = false;
    this.sidePanel.dataset['closed'] = 'false';
    this.updateRequestBadge();
    toast(`${name} wants to join`);
  }

  joinRequestResolved(userId: string): void {
    this.requests.querySelector(`[data-user-id="${CSS.escape(userId)}"]`)?.remove();
    this.updateRequestBadge();
  }

  localMediaChanged(): void {
    const meeting = this.meeting;
    const micOn = meeting?.isOn('mic') ?? false;
    const camOn = meeting?.isOn('cam') ?? false;
    const screenOn = meeting?.isOn('screen') ?? false;
    setControl(this.micButton, micOn, micOn ? 'mic' : 'micOff', micOn ? 'Mute microphone' : 'Unmute microphone');
    setControl(this.camButton, camOn, camOn ? 'cam' : 'camOff', camOn ? 'Turn camera off' : 'Turn camera on');
    setControl(this.screenButton, screenOn, 'screen', screenOn ? 'Stop sharing' : 'Share screen');
    this.screenButton.classList.toggle('sharing', screenOn);
    // What the role and the room's settings allow; the server refuses the rest anyway.
    const allowed = meeting?.permissions;
    if (allowed !== undefined) {
      this.micButton.hidden = !allowed.mic;
      this.camButton.hidden = !allowed.cam && !camOn;
      this.screenButton.hidden = (!allowed.screen && !screenOn) || typeof navigator.mediaDevices?.getDisplayMedia !== 'function';
      const micMuted = !micOn || meeting?.local.micWanted === false;
      this.micButton.disabled = micMuted && !allowed.unmute;
      if (this.micButton.disabled) this.micButton.title = 'A host muted you; only hosts can unmute people here';
    }

    const selfTile = this.tiles.get(this.options.selfUserId);
    const camTrack = meeting?.local.camTrack ?? null;
    selfTile?.setOwnMedia(micOn, camOn);
    selfTile?.setVideoTrack(camOn && camTrack !== null ? camTrack : null);
    const screenTrack = meeting?.local.screenTrack ?? null;
    const ownScreen = this.screens.get(this.options.selfUserId);
    if (screenOn && screenTrack !== null && ownScreen === undefined) {
      const screen = new ScreenTile(this.options.selfUserId, 'You', screenTrack, true);
      this.screens.set(this.options.selfUserId, screen);
      this.screenArea.append(screen.element);
      this.layout();
    } else if (!screenOn && ownScreen !== undefined) {
      ownScreen.dispose();
      this.screens.delete(this.options.selfUserId);
      this.layout();
    }
  }

  connection(message: string | null): void {
    this.banner.textContent = message ?? '';
    this.banner.hidden = message === null;
    this.element.dataset['connection'] = message === null ? 'ok' : 'lost';
  }

  notice(message: string): void {
    // Also on the console: a toast is gone after a few seconds, the console keeps it for whoever debugs.
    console.warn(`[parley] ${message}`);
    toast(message, 'error');
  }

  ended(end: MeetingEnd): void {
    this.options.onEnded(end);
  }

  // Layout

  private layout(): void {
    const hasScreens = this.screens.size > 0;
    this.screenArea.hidden = !hasScreens;
    this.stage.classList.toggle('with-screens', hasScreens);
    this.stageLayout.apply();
    const count = Math.max(1, this.tiles.size);
    const { width, height } = this.grid.getBoundingClientRect();
    const layout = gridLayout(count, width, height);
    this.grid.style.setProperty('--tile-height', `${layout.tileHeight}px`);
    this.grid.style.setProperty('--columns', String(layout.columns));
    this.grid.style.setProperty('--tile-width', `${layout.tileWidth}px`);
    this.grid.dataset['columns'] = String(layout.columns);
    const layer = spatialLayerFor(layout.tileWidth, window.devicePixelRatio);
    for (const consumerId of this.cameraConsumers) this.meeting?.preferSpatialLayer(consumerId, layer);
    this.countLabel.textContent = `${this.users.size} ${this.users.size === 1 ? 'person' : 'people'}`;
  }

  private isHost(): boolean {
    return isHostRole(this.users.get(this.options.selfUserId)?.role) || this.room.ownerId === this.options.selfUserId;
  }

  private openRoomSettings(): void {
    const meeting = this.meeting;
    if (meeting !== null) openSettingsDialog(this.room, (changes) => meeting.updateRoom(changes));
  }

  private toggleSidePanel(): void {
    this.sidePanel.hidden = !this.sidePanel.hidden;
    this.sidePanel.dataset['closed'] = String(this.sidePanel.hidden);
    this.layout();
  }

  private updateRequestBadge(): void {
    const count = this.requests.childElementCount;
    this.peopleButton.dataset['badge'] = count > 0 ? String(count) : '';
  }

  private renderPeople(): void {
    clear(this.people);
    const viewer = {
      selfUserId: this.options.selfUserId,
      selfRole: this.room.ownerId === this.options.selfUserId ? 'host' : this.users.get(this.options.selfUserId)?.role,
      room: this.room,
      meeting: this.meeting,
      lost: this.lost,
    };
    for (const user of this.users.values()) this.people.append(personItem(user, viewer));
    this.hostToolsSlot.replaceChildren(hostTools(viewer, () => this.openRoomSettings()) ?? '');
    this.peopleButton.hidden = false;
  }
}

function controlButton(testId: string, label: string, onClick: () => void): HTMLButtonElement {
  return h('button', { type: 'button', className: 'btn btn-round control', 'data-testid': testId, 'aria-label': label, title: label, onclick: onClick });
}

function setControl(button: HTMLButtonElement, on: boolean, iconName: 'mic' | 'micOff' | 'cam' | 'camOff' | 'screen', label: string): void {
  button.replaceChildren(icon(iconName));
  button.classList.toggle('off', !on && iconName !== 'screen');
  button.setAttribute('aria-pressed', String(on));
  button.dataset['active'] = String(on);
  button.title = label;
  button.setAttribute('aria-label', label);
}
