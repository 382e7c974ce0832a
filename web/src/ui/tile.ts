import type { RoomUser } from '../contract';
import { initials } from '../lib/names';
import { routeAudio } from './audioOutput';
import { h, icon } from './dom';

/**
 * One participant in the grid: their camera (or initials), their audio, name, and the
 * mic/camera/screen indicators. Another person's indicators mirror the room_user flags the server
 * broadcasts; the own tile's mic and camera follow local state (see setOwnMedia), because the
 * server's flags lag the own camera by a round trip and would show it off while it already plays.
 */
export class ParticipantTile {
  readonly element: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly avatar: HTMLElement;
  private readonly nameLabel: HTMLElement;
  private readonly micIndicator: HTMLElement;
  private readonly camIndicator: HTMLElement;
  private readonly screenIndicator: HTMLElement;
  private readonly audios = new Map<string, HTMLAudioElement>();
  private videoTrack: MediaStreamTrack | null = null;
  private videoPaused = false;
  private readonly lostLabel: HTMLElement;
  private readonly qualityIcon: HTMLElement;
  readonly pinButton: HTMLButtonElement;

  constructor(
    readonly userId: string,
    private readonly isSelf: boolean,
  ) {
    this.video = h('video', { className: isSelf ? 'tile-video mirrored' : 'tile-video', autoplay: true, playsinline: true, 'data-testid': 'tile-video' });
    this.video.muted = true; // audio plays through the separate <audio> elements
    this.avatar = h('div', { className: 'avatar' });
    this.nameLabel = h('span', { className: 'tile-name', 'data-testid': 'tile-name' });
    this.micIndicator = h('span', { className: 'indicator', 'data-testid': 'mic-indicator' });
    this.camIndicator = h('span', { className: 'indicator', 'data-testid': 'cam-indicator' });
    this.screenIndicator = h('span', { className: 'indicator', 'data-testid': 'screen-indicator' }, icon('screen'));
    this.lostLabel = h('div', { className: 'tile-lost', 'data-testid': 'tile-lost', hidden: true }, 'Connection lost');
    this.qualityIcon = qualityBars();
    this.pinButton = h('button', { type: 'button', className: 'tile-button', 'data-testid': 'btn-pin', title: 'Pin', 'aria-pressed': 'false' }, icon('pin'));
    const fullscreen = h('button', { type: 'button', className: 'tile-button', 'data-testid': 'btn-fullscreen', title: 'Full screen', onclick: () => void toggleFullscreen(this.element) }, icon('fullscreen'));
    this.element = h('div', { className: 'tile', 'data-testid': 'tile', 'data-user-id': userId, 'data-self': isSelf ? 'true' : 'false', 'data-connection': 'ok' },
      this.video,
      this.avatar,
      this.lostLabel,
      h('div', { className: 'tile-tools' }, this.pinButton, fullscreen),
      h('div', { className: 'tile-footer' }, this.micIndicator, this.nameLabel, this.camIndicator, this.screenIndicator, isSelf ? null : this.qualityIcon),
    );
    this.renderVideo();
  }

  setUser(user: RoomUser): void {
    this.nameLabel.textContent = this.isSelf ? `${user.name} (you)` : user.name;
    this.avatar.textContent = initials(user.name);
    this.element.dataset['role'] = user.role;
    if (!this.isSelf) this.setMedia(user.isMicActive, user.isCamActive);
    this.screenIndicator.dataset['active'] = String(user.isShareScreen);
    this.screenIndicator.hidden = !user.isShareScreen;
    this.screenIndicator.title = 'Sharing the screen';
  }

  /** The own tile's mic and camera, as this page sends them. */
  setOwnMedia(micOn: boolean, camOn: boolean): void {
    if (this.isSelf) this.setMedia(micOn, camOn);
  }

  private setMedia(micOn: boolean, camOn: boolean): void {
    setIndicator(this.micIndicator, micOn, 'mic', 'micOff', 'Microphone');
    setIndicator(this.camIndicator, camOn, 'cam', 'camOff', 'Camera');
  }

  setVideoTrack(track: MediaStreamTrack | null): void {
    if (this.videoTrack === track) return;
    this.videoTrack = track;
    this.videoPaused = false;
    this.renderVideo();
  }

  hasVideoTrack(track: MediaStreamTrack): boolean {
    return this.videoTrack === track;
  }

  setVideoPaused(paused: boolean): void {
    this.videoPaused = paused;
    this.renderVideo();
  }

  addAudio(id: string, track: MediaStreamTrack): void {
    this.removeAudio(id);
    const audio = h('audio', { autoplay: true, 'data-testid': 'tile-audio', 'data-consumer-id': id });
    audio.srcObject = new MediaStream([track]);
    routeAudio(audio);
    this.audios.set(id, audio);
    this.element.appendChild(audio);
    void audio.play().catch(() => {
      // Autoplay can be refused until the page gets a click; the Join click normally counts.
    });
  }

  removeAudio(id: string): void {
    const audio = this.audios.get(id);
    if (audio === undefined) return;
    audio.srcObject = null;
    audio.remove();
    this.audios.delete(id);
  }

  setSpeaking(speaking: boolean): void {
    this.element.classList.toggle('speaking', speaking);
    this.element.dataset['speaking'] = String(speaking);
  }

  dispose(): void {
    this.video.srcObject = null;
    for (const id of [...this.audios.keys()]) this.removeAudio(id);
    this.element.remove();
  }

  /** The person's hub connection is lost (they keep their place a while): dimmed, with a label. */
  setConnectionLost(lost: boolean): void {
    this.element.classList.toggle('lost', lost);
    this.element.dataset['connection'] = lost ? 'lost' : 'ok';
    this.lostLabel.hidden = !lost;
  }

  /** Network quality 0 (bad) – 3 (good), null when unknown, with what it is made of as the tooltip. */
  setQuality(level: number | null, detail: string): void {
    this.qualityIcon.dataset['level'] = level === null ? '' : String(level);
    this.qualityIcon.hidden = level === null;
    this.qualityIcon.title = detail;
  }

  setPinned(pinned: boolean): void {
    this.element.classList.toggle('pinned', pinned);
    this.pinButton.setAttribute('aria-pressed', String(pinned));
    this.pinButton.title = pinned ? 'Unpin' : 'Pin';
  }

  /** The audio elements, for the speaker (output) choice. */
  audioElements(): HTMLAudioElement[] {
    return [...this.audios.values()];
  }

  private renderVideo(): void {
    const show = this.videoTrack !== null && this.videoTrack.readyState === 'live' && !this.videoPaused;
    const current = this.video.srcObject instanceof MediaStream ? this.video.srcObject.getVideoTracks()[0] : undefined;
    if (show && current !== this.videoTrack && this.videoTrack !== null) {
      this.video.srcObject = new MediaStream([this.videoTrack]);
    } else if (!show && this.videoTrack === null) {
      this.video.srcObject = null;
    }
    this.video.hidden = !show;
    this.avatar.hidden = show;
    this.element.dataset['hasVideo'] = String(show);
  }
}

/** Full screen for a tile or the whole stage, or back. */
export async function toggleFullscreen(element: HTMLElement): Promise<void> {
  try {
    if (document.fullscreenElement === element) await document.exitFullscreen();
    else await element.requestFullscreen();
  } catch {
    // Refused (no user gesture, an iframe without permission): nothing to do.
  }
}

function qualityBars(): HTMLElement {
  return h('span', { className: 'quality', 'data-testid': 'network-quality', hidden: true },
    h('i', { className: 'bar bar-1' }), h('i', { className: 'bar bar-2' }), h('i', { className: 'bar bar-3' }));
}

/** The big tile of someone's screen share. */
export class ScreenTile {
  readonly element: HTMLElement;
  private readonly video: HTMLVideoElement;

  constructor(
    readonly userId: string,
    name: string,
    track: MediaStreamTrack,
    isSelf: boolean,
  ) {
    this.video = h('video', { className: 'screen-video', autoplay: true, playsinline: true, 'data-testid': 'screen-video' });
    this.video.muted = true;
    this.video.srcObject = new MediaStream([track]);
    this.element = h('div', { className: 'screen-tile', 'data-testid': 'screen-tile', 'data-user-id': userId, 'data-self': String(isSelf) },
      this.video,
      h('div', { className: 'tile-footer' }, h('span', { className: 'indicator', 'data-active': 'true' }, icon('screen')), h('span', { className: 'tile-name' }, isSelf ? 'You are sharing your screen' : `${name}'s screen`)),
      h('div', { className: 'tile-tools' },
        h('button', { type: 'button', className: 'tile-button', 'data-testid': 'btn-fullscreen', title: 'Full screen', onclick: () => void toggleFullscreen(this.element) }, icon('fullscreen'))),
    );
  }

  setName(name: string): void {
    const label = this.element.querySelector('.tile-name');
    if (label !== null && this.element.dataset['self'] !== 'true') label.textContent = `${name}'s screen`;
  }

  dispose(): void {
    this.video.srcObject = null;
    this.element.remove();
  }
}

function setIndicator(element: HTMLElement, active: boolean, on: 'mic' | 'cam', off: 'micOff' | 'camOff', what: string): void {
  element.replaceChildren(icon(active ? on : off));
  element.dataset['active'] = String(active);
  element.classList.toggle('off', !active);
  element.title = `${what} ${active ? 'on' : 'off'}`;
}
