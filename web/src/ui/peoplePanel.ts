import type { Room, RoomUser } from '../contract';
import { isHostRole, moderationActions, roleBadge, settingsOf, type ModerationAction } from '../lib/roles';
import type { Meeting } from '../meeting';
import { h } from './dom';

/** Who is looking at the people panel: the actions they may take depend on it. */
export interface Viewer {
  readonly selfUserId: string;
  readonly selfRole: string | undefined;
  readonly room: Room;
  readonly meeting: Meeting | null;
  /** Users whose connection is lost (kept in the room for the server's reconnect grace). */
  readonly lost: ReadonlySet<string>;
}

const labels: Record<ModerationAction, string> = {
  mute: 'Mute',
  stopCam: 'Stop camera',
  stopScreen: 'Stop sharing',
  askToUnmute: 'Ask to unmute',
  makeCoHost: 'Make co-host',
  unmakeCoHost: 'Remove co-host',
  makeViewer: 'Make viewer',
  makeParticipant: 'Make participant',
  remove: 'Remove',
};

const testIds: Record<ModerationAction, string> = {
  mute: 'mute',
  stopCam: 'stop-cam',
  stopScreen: 'stop-screen',
  askToUnmute: 'ask-unmute',
  makeCoHost: 'make-cohost',
  unmakeCoHost: 'unmake-cohost',
  makeViewer: 'make-viewer',
  makeParticipant: 'make-participant',
  remove: 'remove',
};

function run(meeting: Meeting, action: ModerationAction, userId: string): Promise<void> {
  switch (action) {
    case 'mute':
      return meeting.muteUser(userId);
    case 'stopCam':
      return meeting.stopVideo(userId, 'cam');
    case 'stopScreen':
      return meeting.stopVideo(userId, 'screen');
    case 'askToUnmute':
      return meeting.askToUnmute(userId);
    case 'makeCoHost':
      return meeting.setRole(userId, 'co-host');
    case 'unmakeCoHost':
    case 'makeParticipant':
      return meeting.setRole(userId, 'participant');
    case 'makeViewer':
      return meeting.setRole(userId, 'viewer');
    case 'remove':
      return meeting.remove(userId);
  }
}

/** One person in the list: name, role badge, connection state, and for hosts the moderation buttons. */
export function personItem(user: RoomUser, viewer: Viewer): HTMLLIElement {
  const isSelf = user.userId === viewer.selfUserId;
  const badge = roleBadge(user.userId === viewer.room.ownerId ? 'host' : user.role);
  const actions = moderationActions(
    { userId: viewer.selfUserId, role: viewer.selfRole, isOwner: viewer.room.ownerId === viewer.selfUserId },
    user,
    viewer.room.ownerId,
  );
  const meeting = viewer.meeting;
  return h('li', { className: 'person', 'data-testid': `person-${user.userId}`, 'data-role': user.role },
    h('div', { className: 'person-line' },
      h('span', { className: 'person-name', title: user.name }, isSelf ? `${user.name} (you)` : user.name),
      badge === null ? null : h('span', { className: `badge badge-${badge}`, 'data-testid': `role-${user.userId}` }, badge),
      viewer.lost.has(user.userId) ? h('span', { className: 'badge badge-lost' }, 'connection lost') : null,
    ),
    actions.length === 0 || meeting === null
      ? null
      : h('div', { className: 'person-actions' },
          ...actions.map((action) =>
            h('button', {
              type: 'button',
              className: action === 'remove' ? 'btn btn-small btn-ghost btn-danger' : 'btn btn-small btn-ghost',
              'data-testid': `${testIds[action]}-${user.userId}`,
              onclick: () => void run(meeting, action, user.userId),
            }, labels[action]),
          ),
        ),
  );
}

/** The hosts' room-wide tools above the list: mute everyone, lock, settings, end for everyone. */
export function hostTools(viewer: Viewer, openSettings: () => void): HTMLElement | null {
  const meeting = viewer.meeting;
  const isHost = isHostRole(viewer.selfRole) || viewer.room.ownerId === viewer.selfUserId;
  if (!isHost || meeting === null) return null;
  const locked = settingsOf(viewer.room).locked;
  return h('div', { className: 'host-tools', 'data-testid': 'host-tools' },
    h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-mute-all', onclick: () => void meeting.muteAll() }, 'Mute everyone'),
    h('button', {
      type: 'button', className: 'btn btn-small', 'data-testid': 'btn-lock', 'data-active': String(locked),
      onclick: () => void meeting.updateRoom({ settings: { locked: !locked } }),
    }, locked ? 'Unlock room' : 'Lock room'),
    h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-room-settings', onclick: openSettings }, 'Room settings'),
    h('button', {
      type: 'button', className: 'btn btn-small btn-danger', 'data-testid': 'btn-end-meeting',
      onclick: () => {
        if (confirm('End the meeting for everyone? Everyone in it is taken out.')) void meeting.endMeeting();
      },
    }, 'End for everyone'),
  );
}
