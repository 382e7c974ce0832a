import type { Api } from '../api';
import type { Recording } from '../contract';
import { h } from './dom';
import { toast } from './toast';

/** A room's recordings for its hosts: date, duration, size and status; play, download and delete the ready ones. */
export function recordingsPanel(api: Api, roomId: string): HTMLElement {
  const list = h('ul', { className: 'recording-list', 'data-testid': 'recording-list' });
  const player = h('video', { className: 'recording-player', controls: true, hidden: true, 'data-testid': 'recording-player' });
  const element = h('div', { className: 'recordings-panel', 'data-testid': 'recordings-panel' }, list, player);

  const load = async (): Promise<void> => {
    list.replaceChildren(h('li', { className: 'muted' }, 'Loading recordings…'));
    try {
      const recordings = await api.recordings(roomId);
      list.replaceChildren(...(recordings.length === 0 ? [h('li', { className: 'muted' }, 'No recordings yet.')] : recordings.map(item)));
    } catch (error) {
      list.replaceChildren(h('li', { className: 'form-error' }, error instanceof Error ? error.message : String(error)));
    }
  };

  // The browser fetches the file itself (streaming, seeking with range requests), never into the page's memory.
  const link = async (recording: Recording): Promise<string> => (await api.recordingDownloadLink(recording.id)).url;

  const play = async (recording: Recording): Promise<void> => {
    player.src = await link(recording);
    player.dataset['recordingId'] = recording.id;
    player.hidden = false;
    void player.play().catch(() => undefined);
  };

  // A link lives minutes: a seek after it expired fails, so the player takes a fresh one and goes on from there.
  let renewed = false;
  player.addEventListener('error', () => {
    const id = player.dataset['recordingId'];
    if (id === undefined || renewed) return;
    renewed = true;
    const at = player.currentTime;
    void api.recordingDownloadLink(id).then(({ url }) => {
      player.src = url;
      player.currentTime = at;
      void player.play().catch(() => undefined);
    }).catch((e: unknown) => toast(String(e)));
  });
  player.addEventListener('playing', () => {
    renewed = false;
  });

  const download = async (recording: Recording): Promise<void> => {
    // A plain navigation with `download`: the browser's own download (to disk, resumable), not a blob.
    const anchor = h('a', { href: await link(recording), download: '' });
    anchor.click();
  };

  const item = (recording: Recording): HTMLElement => {
    const ready = recording.status === 'ready';
    return h('li', { className: 'recording-item', 'data-testid': 'recording-item', 'data-recording-id': recording.id, 'data-status': recording.status },
      h('span', {}, new Date(recording.startedAt).toLocaleString()),
      h('span', { className: 'muted' }, describe(recording)),
      ready ? h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-play-recording', onclick: () => void play(recording).catch((e: unknown) => toast(String(e))) }, 'Play') : null,
      ready ? h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-download-recording', onclick: () => void download(recording).catch((e: unknown) => toast(String(e))) }, 'Download') : null,
      recording.status === 'recording' ? null : h('button', { type: 'button', className: 'btn btn-small btn-ghost btn-danger', 'data-testid': 'btn-delete-recording', onclick: () => void api.deleteRecording(recording.id).then(load).catch((e: unknown) => toast(String(e))) }, 'Delete'),
    );
  };

  void load();
  return element;
}

function describe(recording: Recording): string {
  const parts: string[] = [recording.status];
  if (recording.durationSeconds !== null) parts.push(`${Math.floor(recording.durationSeconds / 60)}:${String(Math.round(recording.durationSeconds % 60)).padStart(2, '0')}`);
  if (recording.sizeBytes !== null) parts.push(`${(recording.sizeBytes / (1024 * 1024)).toFixed(1)} MB`);
  if (recording.error !== null) parts.push(recording.error);
  return parts.join(' · ');
}
