import type { Api } from '../api';
import type { MyHistorySession } from '../contract';
import { formatSeconds, formatTime, secondsBetween } from '../lib/durations';
import { isRoomHost } from '../lib/roles';
import { historyPath } from '../lib/routes';
import { clear, h } from './dom';
import type { View } from './view';

export interface MyHistoryOptions {
  readonly userId: string;
  readonly back: () => void;
}

/**
 * The signed-in person's own meetings (`GET /api/me/history`), newest first and paged: the room, when, how long the
 * meeting ran and how long they were in it. A room they host (owner or co-host) links to its full history; other
 * rooms' names are plain text, since only hosts may see a room's history.
 */
export function myHistoryView(api: Api, options: MyHistoryOptions): View {
  const error = h('p', { className: 'form-error', role: 'alert', 'data-testid': 'my-history-error', hidden: true });
  const rows = h('tbody', { 'data-testid': 'my-history-rows' });
  const more = h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-more-my-history', hidden: true }, 'Older meetings');
  // Whether the person hosts each room, asked once per room (a deleted room, or one they cannot open: no link).
  const hosted = new Map<string, Promise<boolean>>();
  let next: string | null = null;

  const hosts = (roomId: string): Promise<boolean> => {
    let answer = hosted.get(roomId);
    if (answer === undefined) {
      answer = api.room(roomId).then(({ room }) => isRoomHost(room, options.userId), () => false);
      hosted.set(roomId, answer);
    }
    return answer;
  };

  const row = (session: MyHistorySession): HTMLElement => {
    const room = h('td', { 'data-testid': 'my-history-room' }, h('span', { className: 'room-card-name', title: session.roomName }, session.roomName));
    void hosts(session.roomId).then((host) => {
      if (host) room.replaceChildren(h('a', { href: historyPath(session.roomId), title: `History of ${session.roomName}`, 'data-testid': 'my-history-link' }, session.roomName));
    });
    return h('tr', { 'data-testid': 'my-history-row', 'data-session-id': session.id, 'data-room-id': session.roomId },
      room,
      h('td', {}, formatTime(session.startedAt)),
      h('td', { 'data-testid': 'my-history-duration' }, session.endedAt === null ? 'running' : formatSeconds(secondsBetween(session.startedAt, session.endedAt))),
      h('td', { 'data-testid': 'my-history-seconds' }, formatSeconds(session.seconds)),
      h('td', {}, String(session.participantCount)),
    );
  };

  const load = async (cursor?: string): Promise<void> => {
    try {
      const page = await api.myHistory(cursor);
      if (cursor === undefined) clear(rows);
      if (page.sessions.length === 0 && cursor === undefined) {
        rows.appendChild(h('tr', {}, h('td', { colSpan: 5, className: 'muted' }, 'You have not been in a meeting yet.')));
      }
      for (const session of page.sessions) rows.appendChild(row(session));
      next = page.next;
      more.hidden = next === null;
      error.hidden = true;
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
      error.hidden = false;
    }
  };
  more.addEventListener('click', () => { if (next !== null) void load(next); });
  void load();

  const element = h('main', { className: 'screen history-screen', 'data-testid': 'my-history-view' },
    h('header', { className: 'topbar' },
      h('button', { type: 'button', className: 'btn btn-ghost', 'data-testid': 'btn-history-back', onclick: () => options.back() }, '← Home'),
      h('span', { className: 'spacer' }),
    ),
    h('div', { className: 'home-grid' },
      h('section', { className: 'card wide' },
        h('h1', {}, 'Your meetings'),
        h('p', { className: 'muted' }, 'Every meeting you were in, newest first. Rooms you host link to their full history.'),
        error,
        h('table', { className: 'data-table' },
          h('thead', {}, h('tr', {}, ...['Room', 'Started', 'Meeting ran', 'You were in', 'People'].map((c) => h('th', {}, c)))),
          rows,
        ),
        more,
      ),
    ),
  );
  return { element };
}
