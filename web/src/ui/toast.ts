import { h } from './dom';

const maxVisible = 3;

/** Short-lived notices at the bottom of the screen (copied, a device failed, …); repeats are merged. */
export function toast(message: string, kind: 'info' | 'error' = 'info', durationMs = 4000): void {
  let host = document.getElementById('toasts');
  if (host === null) {
    host = h('div', { id: 'toasts', className: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(host);
  }
  for (const existing of host.children) if (existing.textContent === message) return;
  while (host.childElementCount >= maxVisible) host.firstElementChild?.remove();
  const item = h('div', { className: `toast toast-${kind}`, 'data-testid': 'toast' }, message);
  host.appendChild(item);
  setTimeout(() => item.remove(), kind === 'error' ? durationMs * 2 : durationMs);
}

/** Drops the notices of a screen that is being left. */
export function clearToasts(): void {
  document.getElementById('toasts')?.replaceChildren();
}
