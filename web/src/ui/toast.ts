import { h } from './dom';

/** Short-lived notices at the bottom of the screen (copied, a device failed, …). */
export function toast(message: string, kind: 'info' | 'error' = 'info', durationMs = 4000): void {
  let host = document.getElementById('toasts');
  if (host === null) {
    host = h('div', { id: 'toasts', className: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(host);
  }
  const item = h('div', { className: `toast toast-${kind}`, 'data-testid': 'toast' }, message);
  host.appendChild(item);
  setTimeout(() => item.remove(), kind === 'error' ? durationMs * 2 : durationMs);
}
