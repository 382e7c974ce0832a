import type { Room, User } from '../contract';
import { MediaAccessError, type LocalMedia } from '../localMedia';
import { initials } from '../lib/names';
import { fillDeviceSelect } from './deviceSelect';
import { clear, h, icon } from './dom';
import type { View } from './view';

export interface PrejoinOptions {
  readonly room: Room;
  readonly user: User;
  readonly local: LocalMedia;
  readonly onJoin: () => void;
  readonly onCancel: () => void;
  /** Whether the meeting is being recorded now (GET /api/rooms/{roomId}/recording), to tell the guest before they join. */
  readonly recording?: () => Promise<unknown>;
}

/** Camera preview, device pickers and mic/camera toggles before entering the room. */
export function prejoinView(options: PrejoinOptions): View {
  const { room, user, local } = options;
  let disposed = false;
  let joining = false;

  const video = h('video', { className: 'preview-video mirrored', autoplay: true, playsinline: true, 'data-testid': 'preview' });
  video.muted = true;
  const placeholder = h('div', { className: 'avatar' }, initials(user.name));
  const problems = h('div', { className: 'notice-list', 'data-testid': 'media-problems', role: 'alert' });
  const micSelect = h('select', { 'data-testid': 'select-mic', 'aria-label': 'Microphone' });
  const camSelect = h('select', { 'data-testid': 'select-cam', 'aria-label': 'Camera' });
  const micButton = h('button', { type: 'button', className: 'btn btn-round', 'data-testid': 'btn-prejoin-mic' });
  const camButton = h('button', { type: 'button', className: 'btn btn-round', 'data-testid': 'btn-prejoin-cam' });
  const joinButton = h('button', { type: 'button', className: 'btn btn-primary btn-large', 'data-testid': 'btn-join', disabled: true }, 'Starting camera…');

  const showProblem = (message: string): void => {
    problems.appendChild(h('p', { className: 'notice notice-error', 'data-testid': 'media-problem' }, message));
  };
  const render = (): void => {
    const showVideo = local.camWanted && local.camTrack !== null;
    video.srcObject = showVideo && local.camTrack !== null ? new MediaStream([local.camTrack]) : null;
    video.hidden = !showVideo;
    placeholder.hidden = showVideo;
    clear(micButton);
    micButton.append(icon(local.micWanted ? 'mic' : 'micOff'));
    micButton.classList.toggle('off', !local.micWanted);
    micButton.setAttribute('aria-pressed', String(local.micWanted));
    micButton.title = local.micWanted ? 'Microphone on — click to mute' : 'Microphone off';
    clear(camButton);
    camButton.append(icon(local.camWanted ? 'cam' : 'camOff'));
    camButton.classList.toggle('off', !local.camWanted);
    camButton.setAttribute('aria-pressed', String(local.camWanted));
    camButton.title = local.camWanted ? 'Camera on — click to turn off' : 'Camera off';
  };
  const fillSelects = async (): Promise<void> => {
    const { microphones, cameras } = await local.listDevices();
    fillDeviceSelect(micSelect, microphones, local.micDeviceId, 'No microphone');
    fillDeviceSelect(camSelect, cameras, local.camDeviceId, 'No camera');
  };
  const attempt = async (work: () => Promise<unknown>): Promise<boolean> => {
    try {
      await work();
      return true;
    } catch (error) {
      showProblem(error instanceof MediaAccessError || error instanceof Error ? error.message : String(error));
      return false;
    }
  };

  micButton.addEventListener('click', () => {
    void (async () => {
      if (!local.micWanted && local.micTrack === null && !(await attempt(() => local.openMic()))) return;
      local.micWanted = !local.micWanted;
      render();
    })();
  });
  camButton.addEventListener('click', () => {
    void (async () => {
      if (local.camWanted) {
        local.camWanted = false;
        local.stopCam();
      } else if (await attempt(() => local.openCam())) {
        local.camWanted = true;
      }
      render();
      void fillSelects();
    })();
  });
  micSelect.addEventListener('change', () => {
    void attempt(() => local.openMic(micSelect.value)).then(render);
  });
  camSelect.addEventListener('change', () => {
    void attempt(async () => {
      await local.openCam(camSelect.value);
      local.camWanted = true;
    }).then(render);
  });
  joinButton.addEventListener('click', () => {
    joinButton.disabled = true;
    joinButton.textContent = 'Joining…';
    joining = true;
    options.onJoin();
  });

  const element = h('main', { className: 'screen prejoin-screen', 'data-testid': 'prejoin-view' },
    h('section', { className: 'prejoin-preview' },
      h('div', { className: 'preview-frame' }, video, placeholder,
        h('div', { className: 'preview-controls' }, micButton, camButton)),
      problems,
    ),
    h('section', { className: 'card prejoin-card' },
      h('p', { className: 'muted' }, 'Ready to join?'),
      h('h1', { 'data-testid': 'prejoin-room-name' }, room.name),
      h('p', { className: 'muted' }, `Joining as ${user.name}`),
      h('label', { className: 'field' }, h('span', { className: 'field-label' }, 'Microphone'), micSelect),
      h('label', { className: 'field' }, h('span', { className: 'field-label' }, 'Camera'), camSelect),
      recordingNotice(options),
      room.requireAccessBeforeJoining && room.ownerId !== user.id
        ? h('p', { className: 'muted' }, 'This room has a waiting room: the host will let you in.')
        : null,
      h('div', { className: 'row' },
        joinButton,
        h('button', { type: 'button', className: 'btn btn-ghost', 'data-testid': 'btn-prejoin-cancel', onclick: () => options.onCancel() }, 'Back'),
      ),
    ),
  );

  render();
  void (async () => {
    const messages = await local.openBoth();
    if (disposed) {
      if (!joining) local.stopAll();
      return;
    }
    messages.forEach(showProblem);
    render();
    joinButton.disabled = false;
    joinButton.textContent = 'Join now';
    await fillSelects();
  })();

  return {
    element,
    dispose: () => {
      disposed = true;
      video.srcObject = null;
      // Leaving the pre-join screen any other way than Join (back button, sign-out) releases the devices.
      if (!joining) local.stopAll();
    },
  };
}

/** "This meeting is being recorded", shown once the server says so (nothing when it is not, or cannot say). */
function recordingNotice(options: PrejoinOptions): HTMLElement {
  const notice = h('p', { className: 'recording-notice', 'data-testid': 'prejoin-recording', hidden: true },
    h('span', { className: 'recording-dot', 'aria-hidden': 'true' }), 'This meeting is being recorded. By joining, you agree to be recorded.');
  void options.recording?.().then((recording) => {
    notice.hidden = recording === null || recording === undefined;
  }).catch(() => undefined);
  return notice;
}
