import type { Api } from '../api';
import type { Room, User } from '../contract';
import { historyPath, inviteLink, myHistoryPath, parseJoinInput } from '../lib/routes';
import { whileBusy } from './busy';
import { recordingsPanel } from './recordingsPanel';
import { clear, copyText, h, icon } from './dom';
import { openSettingsDialog } from './settingsDialog';
import { sharingPanel } from './sharingPanel';
import { templatesCard, toggleSaveTemplateForm } from './templatesPanel';
import { toast } from './toast';
import type { View } from './view';

export interface HomeOptions {
  readonly user: User;
  readonly openRoom: (joinCode: string) => void;
  readonly signOut: () => void;
  /** Opens a path of the page (a room's history). */
  readonly navigate?: (path: string) => void;
  /** The API, for a room card's invites and members. */
  readonly api?: Api;
  /** A room's settings were saved as a template (the template lists follow). */
  readonly templateSaved?: () => void;
}

/** Create a room, join one by code, and list the rooms you own. */
export function homeView(api: Api, homeOptions: HomeOptions): View {
  const { user } = homeOptions;
  const isGuest = user.isGuest === true || user.email === null;
  const templates = isGuest ? null : templatesCard(api, () => void loadTemplateOptions());
  const options: HomeOptions = {
    ...homeOptions,
    api,
    templateSaved: () => void Promise.all([templates?.refresh(), loadTemplateOptions()]),
  };

  // The room just created is highlighted in the list (with its invite link), not shown a second time above it.
  let createdId: string | null = null;
  const createError = h('p', { className: 'form-error', role: 'alert', 'data-testid': 'create-error', hidden: true });
  const nameInput = h('input', { type: 'text', required: true, maxlength: 100, placeholder: 'Weekly sync', 'data-testid': 'room-name' });
  const waitingInput = h('input', { type: 'checkbox', 'data-testid': 'room-waiting' });
  // A template pre-sets the room's settings; "none" is the waiting-room checkbox alone.
  const templateSelect = h('select', { 'data-testid': 'room-template' }, h('option', { value: '' }, 'None (default settings)'));
  templateSelect.addEventListener('change', () => { waitingInput.disabled = templateSelect.value !== ''; });
  const loadTemplateOptions = async (): Promise<void> => {
    if (isGuest) return;
    try {
      const all = await api.templates();
      const chosen = templateSelect.value;
      templateSelect.replaceChildren(templateSelect.options[0] ?? '');
      for (const template of all) {
        templateSelect.appendChild(h('option', { value: template.id }, template.builtIn ? template.name : `${template.name} (yours)`));
      }
      // A template that was deleted meanwhile falls back to none.
      templateSelect.value = all.some((t) => t.id === chosen) ? chosen : '';
      waitingInput.disabled = templateSelect.value !== '';
    } catch {
      // The form still works without templates.
    }
  };
  void loadTemplateOptions();
  const createForm = h('form', { className: 'stack', 'data-testid': 'create-form' },
    h('label', { className: 'field' }, h('span', { className: 'field-label' }, 'Room name'), nameInput),
    h('label', { className: 'field' }, h('span', { className: 'field-label' }, 'Template'), templateSelect),
    h('label', { className: 'check' }, waitingInput, h('span', {}, 'Waiting room — the host admits each person')),
    h('button', { type: 'submit', className: 'btn btn-primary', 'data-testid': 'btn-create-room' }, 'Create room'),
    createError,
  );
  createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    createError.hidden = true;
    const name = nameInput.value.trim();
    if (name.length === 0) {
      showError(createError, 'Give the room a name.');
      return;
    }
    void whileBusy(createForm, async () => {
      try {
        const room = templateSelect.value === ''
          ? await api.createRoom(name, waitingInput.checked)
          : await api.createRoomFromTemplate(name, templateSelect.value);
        nameInput.value = '';
        createdId = room.id;
        await refreshRooms();
      } catch (error) {
        showError(createError, error instanceof Error ? error.message : String(error));
      }
    });
  });

  const joinError = h('p', { className: 'form-error', role: 'alert', 'data-testid': 'join-error', hidden: true });
  const codeInput = h('input', {
    type: 'text', required: true, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false',
    placeholder: 'ABC234', className: 'code-input', 'data-testid': 'join-code-input',
  });
  const joinForm = h('form', { className: 'stack', 'data-testid': 'join-form' },
    h('label', { className: 'field' }, h('span', { className: 'field-label' }, 'Join code or invite link'), codeInput),
    h('button', { type: 'submit', className: 'btn', 'data-testid': 'btn-join-code' }, 'Join'),
    joinError,
  );
  joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const parsed = parseJoinInput(codeInput.value);
    if (!parsed.ok) {
      showError(joinError, parsed.message);
      return;
    }
    joinError.hidden = true;
    options.openRoom(parsed.code);
  });

  const roomList = h('ul', { className: 'room-list', 'data-testid': 'room-list' });
  const refreshRooms = async (): Promise<void> => {
    if (isGuest) return;
    try {
      const rooms = (await api.myRooms()).sort((a, b) => Number(b.id === createdId) - Number(a.id === createdId));
      clear(roomList);
      if (rooms.length === 0) roomList.appendChild(h('li', { className: 'muted empty' }, 'No rooms yet. Create one above.'));
      for (const room of rooms) {
        const remove = async (): Promise<void> => {
          if (!confirm(`Delete “${room.name}”? Anyone in it is disconnected.`)) return;
          try {
            await api.deleteRoom(room.id);
            void refreshRooms();
          } catch (error) {
            toast(error instanceof Error ? error.message : String(error), 'error');
          }
        };
        const settings = (): void => {
          openSettingsDialog(room, async (changes) => {
            await api.updateRoom(room.id, changes);
            toast('Room settings saved');
            void refreshRooms();
            return true;
          });
        };
        const created = room.id === createdId;
        roomList.appendChild(h('li', created ? { className: 'created-item', 'data-testid': 'created-room', 'data-room-id': room.id } : {},
          roomCard(room, options, created, remove, settings, api)));
      }
    } catch (error) {
      clear(roomList);
      roomList.appendChild(h('li', { className: 'form-error' }, error instanceof Error ? error.message : String(error)));
    }
  };
  void refreshRooms();

  const sharedList = h('ul', { className: 'room-list', 'data-testid': 'shared-list' });
  if (!isGuest) {
    void api.sharedRooms().then((rooms) => {
      clear(sharedList);
      if (rooms.length === 0) sharedList.appendChild(h('li', { className: 'muted empty' }, 'Nobody has shared a room with you yet.'));
      for (const room of rooms) sharedList.appendChild(h('li', {}, roomCard(room, options, false)));
    }).catch(() => undefined);
  }

  const element = h('main', { className: 'screen home-screen', 'data-testid': 'home-view' },
    h('header', { className: 'topbar' },
      h('span', { className: 'brand' }, 'Parley'),
      h('span', { className: 'spacer' }),
      h('span', { className: 'muted', 'data-testid': 'user-name' }, isGuest ? `${user.name} (guest)` : user.name),
      options.navigate === undefined ? null
        : h('button', { type: 'button', className: 'btn btn-ghost', 'data-testid': 'btn-my-history', onclick: () => options.navigate?.(myHistoryPath) }, 'Your meetings'),
      h('button', { type: 'button', className: 'btn btn-ghost', 'data-testid': 'btn-signout', onclick: () => options.signOut() }, 'Sign out'),
    ),
    h('div', { className: 'home-grid' },
      isGuest
        ? h('section', { className: 'card' }, h('h2', {}, 'New meeting'),
            h('p', { className: 'muted' }, 'Guests can join meetings but not create rooms. Sign up to host your own.'))
        : h('section', { className: 'card' }, h('h2', {}, 'New meeting'), createForm),
      h('section', { className: 'card' }, h('h2', {}, 'Join a meeting'), joinForm),
      isGuest ? null : h('section', { className: 'card wide' }, h('h2', {}, 'Your rooms'), roomList),
      isGuest ? null : h('section', { className: 'card wide', 'data-testid': 'shared-rooms' }, h('h2', {}, 'Shared with me'), sharedList),
      templates?.element,
    ),
  );
  return { element };
}

/** A room with its join code, copy buttons for code and invite link, and Join. */
function roomCard(room: Room, options: HomeOptions, highlight: boolean, remove?: () => Promise<void>, settings?: () => void, api?: Api): HTMLElement {
  const link = inviteLink(location.origin, room.joinCode);
  const copy = async (text: string, what: string): Promise<void> => {
    toast((await copyText(text)) ? `${what} copied` : `Could not copy; select it and copy by hand: ${text}`);
  };
  return h('div', { className: highlight ? 'room-card created' : 'room-card', 'data-testid': 'room-item', 'data-room-id': room.id },
    h('div', { className: 'room-card-main' },
      h('strong', { className: 'room-card-name', title: room.name, 'data-testid': 'room-card-name' }, room.name),
      room.requireAccessBeforeJoining ? h('span', { className: 'badge' }, 'waiting room') : null,
    ),
    h('div', { className: 'room-card-code' },
      h('code', { className: 'join-code', 'data-testid': 'join-code' }, room.joinCode),
      h('button', { type: 'button', className: 'btn btn-small', title: 'Copy the join code', 'data-testid': 'btn-copy-code', onclick: () => void copy(room.joinCode, 'Join code') }, icon('copy'), 'Code'),
      h('button', { type: 'button', className: 'btn btn-small', title: link, 'data-testid': 'btn-copy-link', onclick: () => void copy(link, 'Invite link') }, icon('copy'), 'Link'),
      h('a', { className: 'invite-link', href: link, 'data-testid': 'invite-link', hidden: !highlight }, link),
    ),
    h('div', { className: 'room-card-actions' },
      h('button', { type: 'button', className: 'btn btn-primary', 'data-testid': 'btn-open-room', onclick: () => options.openRoom(room.joinCode) }, 'Join'),
      settings !== undefined ? h('button', { type: 'button', className: 'btn', 'data-testid': 'btn-room-settings', onclick: settings }, 'Settings') : null,
      settings !== undefined && api !== undefined
        ? h('button', { type: 'button', className: 'btn btn-ghost', 'data-testid': 'btn-save-template',
            onclick: (event: Event) => toggleSaveTemplateForm(api, room, (event.currentTarget as HTMLElement).closest('.room-card'), () => options.templateSaved?.()) }, 'Save as template')
        : null,
      api !== undefined ? h('button', { type: 'button', className: 'btn btn-ghost', 'data-testid': 'btn-recordings', onclick: (event: Event) => toggleRecordings(api, room.id, event) }, 'Recordings') : null,
      room.ownerId === options.user.id && options.navigate !== undefined
        ? h('button', { type: 'button', className: 'btn btn-ghost', 'data-testid': 'btn-history', onclick: () => options.navigate?.(historyPath(room.id)) }, 'History')
        : null,
      remove !== undefined ? h('button', { type: 'button', className: 'btn btn-ghost btn-danger', 'data-testid': 'btn-delete-room', onclick: () => void remove() }, 'Delete') : null,
    ),
    room.ownerId === options.user.id && options.api !== undefined ? sharingPanel(options.api, room, true) : null,
  );
}

/** Opens (or closes) the room's recordings below its card. */
function toggleRecordings(api: Api, roomId: string, event: Event): void {
  const card = (event.currentTarget as HTMLElement).closest('.room-card');
  const open = card?.querySelector('.recordings-panel');
  if (open) open.remove();
  else card?.append(recordingsPanel(api, roomId));
}

function showError(element: HTMLElement, message: string): void {
  element.textContent = message;
  element.hidden = false;
}
