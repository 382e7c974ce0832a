import { isPermissionError, mediaErrorMessage, type DeviceKind } from './lib/mediaError';

/** A capture failure carrying the message to show. */
export class MediaAccessError extends Error {
  constructor(
    message: string,
    readonly blocked: boolean,
  ) {
    super(message);
    this.name = 'MediaAccessError';
  }
}

export interface DeviceLists {
  readonly microphones: MediaDeviceInfo[];
  readonly cameras: MediaDeviceInfo[];
}

/**
 * The tracks this tab captures and whether the person wants each on. It outlives a reconnect:
 * after a rejoin the meeting re-sends whatever is here.
 */
export class LocalMedia {
  micTrack: MediaStreamTrack | null = null;
  camTrack: MediaStreamTrack | null = null;
  screenTrack: MediaStreamTrack | null = null;
  screenAudioTrack: MediaStreamTrack | null = null;
  micDeviceId: string | undefined;
  camDeviceId: string | undefined;
  micWanted = true;
  camWanted = true;

  /** Asks for both at once so the browser shows one permission prompt; falls back to each alone. */
  async openBoth(): Promise<string[]> {
    const problems: string[] = [];
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: this.audioConstraints(),
        video: this.videoConstraints(),
      });
      this.replaceMic(stream.getAudioTracks()[0] ?? null);
      this.replaceCam(stream.getVideoTracks()[0] ?? null);
      return problems;
    } catch (error) {
      if (isPermissionError(error)) {
        this.micWanted = false;
        this.camWanted = false;
        return [mediaErrorMessage(error, 'camera and microphone')];
      }
    }
    for (const open of [() => this.openMic(), () => this.openCam()]) {
      try {
        await open();
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    return problems;
  }

  async openMic(deviceId = this.micDeviceId): Promise<MediaStreamTrack> {
    this.micDeviceId = deviceId;
    const track = await capture({ audio: this.audioConstraints() }, 'microphone', 'audio');
    this.replaceMic(track);
    return track;
  }

  async openCam(deviceId = this.camDeviceId): Promise<MediaStreamTrack> {
    this.camDeviceId = deviceId;
    const track = await capture({ video: this.videoConstraints() }, 'camera', 'video');
    this.replaceCam(track);
    return track;
  }

  async openScreen(): Promise<MediaStreamTrack> {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: 15 }, audio: true });
    } catch (error) {
      throw new MediaAccessError(mediaErrorMessage(error, 'screen'), isPermissionError(error));
    }
    const video = stream.getVideoTracks()[0];
    if (video === undefined) throw new MediaAccessError('The shared screen has no picture.', false);
    this.stopScreen();
    this.screenTrack = video;
    this.screenAudioTrack = stream.getAudioTracks()[0] ?? null;
    return video;
  }

  stopCam(): void {
    this.replaceCam(null);
  }

  stopMic(): void {
    this.replaceMic(null);
  }

  stopScreen(): void {
    this.screenTrack?.stop();
    this.screenAudioTrack?.stop();
    this.screenTrack = null;
    this.screenAudioTrack = null;
  }

  stopAll(): void {
    this.stopMic();
    this.stopCam();
    this.stopScreen();
  }

  /** Device labels are only filled in after a permission grant, so call this after opening. */
  async listDevices(): Promise<DeviceLists> {
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
    return {
      microphones: devices.filter((d) => d.kind === 'audioinput' && d.deviceId !== ''),
      cameras: devices.filter((d) => d.kind === 'videoinput' && d.deviceId !== ''),
    };
  }

  private replaceMic(track: MediaStreamTrack | null): void {
    if (this.micTrack !== track) this.micTrack?.stop();
    this.micTrack = track;
    if (track !== null) this.micDeviceId = track.getSettings().deviceId ?? this.micDeviceId;
  }

  private replaceCam(track: MediaStreamTrack | null): void {
    if (this.camTrack !== track) this.camTrack?.stop();
    this.camTrack = track;
    if (track !== null) this.camDeviceId = track.getSettings().deviceId ?? this.camDeviceId;
  }

  private audioConstraints(): MediaTrackConstraints {
    const constraints: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    if (this.micDeviceId !== undefined) constraints.deviceId = { exact: this.micDeviceId };
    return constraints;
  }

  private videoConstraints(): MediaTrackConstraints {
    const constraints: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
    if (this.camDeviceId !== undefined) constraints.deviceId = { exact: this.camDeviceId };
    return constraints;
  }
}

async function capture(
  constraints: MediaStreamConstraints,
  kind: DeviceKind,
  trackKind: 'audio' | 'video',
): Promise<MediaStreamTrack> {
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    throw new MediaAccessError(mediaErrorMessage(new TypeError('insecure'), kind), false);
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia(constraints);
    const track = trackKind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    if (track === undefined) throw Object.assign(new Error('no track'), { name: 'NotFoundError' });
    return track;
  } catch (error) {
    throw new MediaAccessError(mediaErrorMessage(error, kind), isPermissionError(error));
  }
}
