import type { Room, RoomChanges, RoomSettings } from '../contract';
import { settingsOf } from '../lib/roles';
import { h } from './dom';

/**
 * The room's settings as a modal form, from the room list (saved with PATCH) and inside the meeting (saved with
 * `updateRoom`, so everyone's page follows through `roomUpdated`). `save` answers whether the server took it; a
 * refusal is shown by whoever saves.
 */
export function openSettingsDialog(room: Room, save: (changes: RoomChanges) => Promise<boolean>): HTMLDialogElement {
  const settings = settingsOf(room);
  const name = h('input', { type: 'text', required: true, maxlength: 100, value: room.name, 'data-testid': 'setting-name' });
  const check = (testId: string, checked: boolean): HTMLInputElement => {
    const input = h('input', { type: 'checkbox', 'data-testid': testId });
    input.checked = checked;
    return input;
  };
  const select = <T extends string>(testId: string, value: T, options: readonly (readonly [T, string])[]): HTMLSelectElement => {
    const element = h('select', { 'data-testid': testId }, ...options.map(([v, label]) => h('option', { value: v }, label)));
    element.value = value;
    return element;
  };
  const waiting = check('setting-waiting', room.requireAccessBeforeJoining);
  const locked = check('setting-locked', settings.locked);
  const muteOnEntry = check('setting-mute-on-entry', settings.muteOnEntry);
  const camOffOnEntry = check('setting-cam-off-on-entry', settings.camOffOnEntry);
  const chat = check('setting-chat', settings.chatEnabled);
  const video = check('setting-video', settings.videoEnabled);
  const share = select('setting-share', settings.whoCanShareScreen, [['everyone', 'Everyone'], ['hosts', 'Hosts only']]);
  const unmute = select('setting-unmute', settings.whoCanUnmute, [['everyone', 'Everyone'], ['hosts', 'Hosts only (after a host muted them)']]);
  const role = select('setting-default-role', settings.defaultRole, [['participant', 'Participant'], ['viewer', 'Viewer (watches, cannot send)']]);
  const height = select('setting-max-height', String(settings.maxVideoHeight ?? ''), [['', 'No limit'], ['1080', '1080p'], ['720', '720p'], ['360', '360p'], ['180', '180p']]);
  const max = h('input', { type: 'number', min: 1, max: 1000, placeholder: 'No limit', 'data-testid': 'setting-max-participants' });
  max.value = settings.maxParticipants === null ? '' : String(settings.maxParticipants);
  const error = h('p', { className: 'form-error', role: 'alert', 'data-testid': 'settings-error', hidden: true });

  const row = (label: string, control: HTMLElement): HTMLElement => h('label', { className: 'field' }, h('span', { className: 'field-label' }, label), control);
  const box = (control: HTMLInputElement, label: string): HTMLElement => h('label', { className: 'check' }, control, h('span', {}, label));
  const form = h('form', { className: 'stack settings-form', method: 'dialog' },
    h('h2', {}, 'Room settings'),
    row('Name', name),
    h('div', { className: 'settings-columns' },
      h('div', { className: 'stack' },
        box(waiting, 'Waiting room — hosts admit each person'),
        box(locked, 'Locked — nobody new gets in'),
        box(muteOnEntry, 'Microphones muted on entry'),
        box(camOffOnEntry, 'Cameras off on entry'),
        box(chat, 'Chat'),
        box(video, 'Video allowed (off: audio only)'),
      ),
      h('div', { className: 'stack' },
        row('Who may share the screen', share),
        row('Who may unmute themselves', unmute),
        row('People join as', role),
        row('Highest video quality', height),
        row('Most participants', max),
      ),
    ),
    error,
    h('div', { className: 'row dialog-actions' },
      h('button', { type: 'button', className: 'btn', 'data-testid': 'btn-settings-cancel', onclick: () => dialog.close() }, 'Cancel'),
      h('button', { type: 'submit', className: 'btn btn-primary', 'data-testid': 'btn-settings-save' }, 'Save'),
    ),
  );
  const dialog = h('dialog', { className: 'dialog card', 'data-testid': 'settings-dialog' }, form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const maxValue = max.value.trim();
    const maxParticipants = maxValue === '' ? null : Number(maxValue);
    if (maxParticipants !== null && (!Number.isInteger(maxParticipants) || maxParticipants < 1)) {
      showError(error, 'The most participants is a whole number of at least 1, or empty for no limit.');
      return;
    }
    if (name.value.trim().length === 0) {
      showError(error, 'Give the room a name.');
      return;
    }
    const next: RoomSettings = {
      locked: locked.checked,
      muteOnEntry: muteOnEntry.checked,
      camOffOnEntry: camOffOnEntry.checked,
      whoCanShareScreen: share.value as RoomSettings['whoCanShareScreen'],
      whoCanUnmute: unmute.value as RoomSettings['whoCanUnmute'],
      chatEnabled: chat.checked,
      videoEnabled: video.checked,
      maxParticipants,
      maxVideoHeight: height.value === '' ? null : (Number(height.value) as RoomSettings['maxVideoHeight']),
      defaultRole: role.value as RoomSettings['defaultRole'],
    };
    const changes: RoomChanges = {
      ...(name.value.trim() !== room.name ? { name: name.value.trim() } : {}),
      ...(waiting.checked !== room.requireAccessBeforeJoining ? { requireAccessBeforeJoining: waiting.checked } : {}),
      settings: changedSettings(settings, next),
    };
    error.hidden = true;
    void save(changes).then((ok) => {
      if (ok) dialog.close();
    }, (reason: unknown) => showError(error, reason instanceof Error ? reason.message : String(reason)));
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/** Only the settings that differ, so that two hosts editing different settings at once do not undo each other. */
export function changedSettings(before: RoomSettings, after: RoomSettings): Partial<RoomSettings> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof RoomSettings)[]) {
    if (after[key] !== before[key]) changed[key] = after[key];
  }
  return changed as Partial<RoomSettings>;
}

function showError(element: HTMLElement, message: string): void {
  element.textContent = message;
  element.hidden = false;
}
