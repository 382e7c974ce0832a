/**
 * SignalR wraps a server HubException as "An unexpected error occurred invoking 'x' on the server. HubException: why";
 * only the "why" is meant for people.
 */
export function hubErrorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const marker = 'HubException: ';
  const at = raw.lastIndexOf(marker);
  if (at >= 0) {
    const reason = raw.slice(at + marker.length).trim();
    if (reason.length > 0) return reason;
  }
  if (/connection (was )?(stopped|closed|disconnected)|not in the 'Connected' State|WebSocket closed/i.test(raw)) {
    return 'Connection lost. Reconnecting…';
  }
  if (/An unexpected error occurred invoking/i.test(raw)) {
    return 'The server could not complete that request. Try again in a moment.';
  }
  return raw.length > 0 ? raw : 'Something went wrong.';
}

/** True when a refusal means the room itself is gone, so retrying cannot help. */
export function isRoomNotFound(message: string): boolean {
  return /room (was )?not found|no such room|room does not exist/i.test(message);
}

/** The server refuses joins while it stops (a restart): come back once it is up again. */
export function isServerShuttingDown(message: string): boolean {
  return /server is shutting down/i.test(message);
}
