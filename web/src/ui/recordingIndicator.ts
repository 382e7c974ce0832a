import type { ActiveRecording } from '../contract';
import { h } from './dom';

/**
 * The meeting's recording state in the room bar: a red "Recording" badge everyone sees while a recording runs
 * (people who join later too, from joinRoom's answer), and for hosts a Record / Stop recording button.
 */
export class RecordingIndicator {
  readonly element: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly button: HTMLButtonElement;
  private recording: ActiveRecording | null = null;
  private busy = false;

  constructor(private readonly actions: { start(): Promise<void>; stop(): Promise<void> }) {
    this.badge = h('span', { className: 'recording-badge', role: 'status', 'data-testid': 'recording-indicator', hidden: true },
      h('span', { className: 'recording-dot', 'aria-hidden': 'true' }), 'Recording');
    this.button = h('button', { type: 'button', className: 'btn btn-small', 'data-testid': 'btn-record', hidden: true, onclick: () => void this.toggle() });
    this.element = h('div', { className: 'recording-control' }, this.badge, this.button);
    this.render();
  }

  /** Running or not (joinRoom's answer, recordingStarted, recordingStopped). */
  set(recording: ActiveRecording | null): void {
    this.recording = recording;
    this.render();
  }

  /** Hosts get the button; others only see the badge. */
  setHost(isHost: boolean): void {
    this.button.hidden = !isHost;
  }

  private async toggle(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.render();
    try {
      await (this.recording === null ? this.actions.start() : this.actions.stop());
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private render(): void {
    const on = this.recording !== null;
    this.badge.hidden = !on;
    this.badge.title = on ? `Recording since ${new Date(this.recording!.startedAt).toLocaleTimeString()}` : '';
    this.button.textContent = on ? 'Stop recording' : 'Record';
    this.button.classList.toggle('btn-danger', on);
    this.button.disabled = this.busy;
    this.button.dataset['recording'] = String(on);
  }
}
