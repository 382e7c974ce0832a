import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { Api } from '../api';
import type { Attendance, RoomStats, Session } from '../contract';
import { formatSeconds, formatTime, secondsBetween } from '../lib/durations';
import { clear, h } from './dom';
import { toast } from './toast';
import type { View } from './view';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface HistoryOptions {
  readonly roomId: string;
  readonly back: () => void;
}

/** The days the usage chart covers, ending today. */
const chartDays = 30;

/**
 * A room's history for its hosts: participant-minutes per day over the last 30 days (chart.js), the sessions
 * (newest first, paged), each session's attendance, and CSV downloads of both.
 */
export function historyView(api: Api, options: HistoryOptions): View {
  const { roomId } = options;
  const title = h('h1', {}, 'Room history');
  const error = h('p', { className: 'form-error', role: 'alert', 'data-testid': 'history-error', hidden: true });
  const summary = h('p', { className: 'muted', 'data-testid': 'history-summary' });
  const canvas = h('canvas', { 'data-testid': 'usage-chart', 'aria-label': 'Participant-minutes per day', role: 'img' });
  const sessionRows = h('tbody', { 'data-testid': 'session-rows' });
  const more = h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-more-sessions', hidden: true }, 'Older sessions');
  const attendanceSlot = h('section', { className: 'card wide', 'data-testid': 'attendance', hidden: true });
  let chart: Chart | null = null;
  let next: string | null = null;

  const showError = (message: string): void => {
    error.textContent = message;
    error.hidden = false;
  };

  const loadSessions = async (cursor?: string): Promise<void> => {
    try {
      const page = await api.sessions(roomId, cursor);
      if (cursor === undefined) clear(sessionRows);
      if (page.sessions.length === 0 && cursor === undefined) {
        sessionRows.appendChild(h('tr', {}, h('td', { colSpan: 5, className: 'muted' }, 'No meetings yet.')));
      }
      for (const session of page.sessions) sessionRows.appendChild(sessionRow(session));
      next = page.next;
      more.hidden = next === null;
    } catch (e) {
      showError(e instanceof Error ? e.message : String(e));
    }
  };
  more.addEventListener('click', () => { if (next !== null) void loadSessions(next); });

  const sessionRow = (session: Session): HTMLElement => {
    const open = h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-attendance' }, 'Attendance');
    open.addEventListener('click', () => void showAttendance(session));
    return h('tr', { 'data-testid': 'session-row', 'data-session-id': session.id },
      h('td', {}, formatTime(session.startedAt)),
      h('td', { 'data-testid': 'session-duration' }, session.endedAt === null ? 'running' : formatSeconds(secondsBetween(session.startedAt, session.endedAt))),
      h('td', {}, String(session.participantCount)),
      h('td', {}, String(session.peakParticipants)),
      h('td', {}, open),
    );
  };

  const showAttendance = async (session: Session): Promise<void> => {
    try {
      const { attendance } = await api.meetingSession(session.id);
      clear(attendanceSlot);
      attendanceSlot.append(
        h('div', { className: 'row' },
          h('h2', {}, `Attendance · ${formatTime(session.startedAt)}`),
          h('span', { className: 'spacer' }),
          downloadButton('Download CSV', `/api/sessions/${encodeURIComponent(session.id)}`, `attendance-${session.id}.csv`, 'btn-attendance-csv'),
        ),
        h('table', { className: 'data-table' },
          h('thead', {}, h('tr', {}, ...['Name', 'Joined', 'Left', 'Time', 'Camera', 'Screen'].map((c) => h('th', {}, c)))),
          h('tbody', {}, ...attendance.map(attendanceRow)),
        ),
      );
      attendanceSlot.hidden = false;
    } catch (e) {
      showError(e instanceof Error ? e.message : String(e));
    }
  };

  const downloadButton = (label: string, path: string, fileName: string, testId: string): HTMLElement => {
    const button = h('button', { type: 'button', className: 'btn btn-small', 'data-testid': testId }, label);
    button.addEventListener('click', () => void (async () => {
      try {
        const url = URL.createObjectURL(await api.csv(path));
        const anchor = h('a', { href: url, download: fileName });
        document.body.appendChild(anchor);
        anchor.click();
        anchor.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch (e) {
        toast(e instanceof Error ? e.message : String(e), 'error');
      }
    })());
    return button;
  };

  const loadStats = async (): Promise<void> => {
    const to = new Date();
    const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate() - (chartDays - 1)));
    try {
      const stats = await api.stats(roomId, from, to);
      summary.textContent = describe(stats);
      chart?.destroy();
      chart = new Chart(canvas, {
        type: 'bar',
        data: {
          labels: stats.series.map((b) => b.start.slice(5, 10)),
          datasets: [{ label: 'Participant-minutes', data: stats.series.map((b) => b.participantMinutes), backgroundColor: '#4f7cff' }],
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, title: { display: true, text: 'participant-minutes' } } },
        },
      });
      canvas.dataset['rendered'] = 'true';
    } catch (e) {
      showError(e instanceof Error ? e.message : String(e));
    }
  };

  void api.room(roomId).then(({ room }) => { title.textContent = `History · ${room.name}`; document.title = `${title.textContent} · Parley`; }).catch(() => undefined);
  void loadStats();
  void loadSessions();

  const element = h('main', { className: 'screen history-screen', 'data-testid': 'history-view' },
    h('header', { className: 'topbar' },
      h('button', { type: 'button', className: 'btn btn-ghost', 'data-testid': 'btn-history-back', onclick: () => options.back() }, '← Home'),
      h('span', { className: 'spacer' }),
    ),
    h('div', { className: 'home-grid' },
      h('section', { className: 'card wide' }, title, error, summary,
        h('h2', {}, `Participant-minutes per day, last ${chartDays} days`),
        h('div', { className: 'chart-box' }, canvas)),
      h('section', { className: 'card wide' },
        h('div', { className: 'row' },
          h('h2', {}, 'Sessions'),
          h('span', { className: 'spacer' }),
          downloadButton('Download CSV', `/api/rooms/${encodeURIComponent(roomId)}/sessions`, `sessions-${roomId}.csv`, 'btn-sessions-csv'),
        ),
        h('table', { className: 'data-table' },
          h('thead', {}, h('tr', {}, ...['Started', 'Duration', 'People', 'Peak', ''].map((c) => h('th', {}, c)))),
          sessionRows,
        ),
        more,
      ),
      attendanceSlot,
    ),
  );
  return { element, dispose: () => chart?.destroy() };
}

function attendanceRow(a: Attendance): HTMLElement {
  return h('tr', { 'data-testid': 'attendance-row', 'data-user-id': a.userId },
    h('td', {}, a.name),
    h('td', {}, formatTime(a.joinedAt)),
    h('td', {}, a.leftAt === null ? 'in the room' : formatTime(a.leftAt)),
    h('td', {}, formatSeconds(a.seconds)),
    h('td', {}, a.usedCam ? 'yes' : '—'),
    h('td', {}, a.usedScreen ? 'yes' : '—'),
  );
}

function describe(stats: RoomStats): string {
  return `Last ${chartDays} days: ${stats.sessions} meeting${stats.sessions === 1 ? '' : 's'}, `
    + `${formatSeconds(stats.totalSeconds)} in total (average ${formatSeconds(stats.averageSeconds)}), `
    + `${stats.uniqueParticipants} ${stats.uniqueParticipants === 1 ? 'person' : 'people'}, ${stats.participantMinutes} participant-minutes.`;
}
