/** Back-off for the hub's automatic reconnect: quick first tries, then every 5 s, for 5 minutes. */
export const reconnectGiveUpMs = 5 * 60_000;

const earlyDelaysMs = [0, 1000, 2000, 3000, 5000];

/** Delay before the next reconnect attempt, or null to give up (SignalR's IRetryPolicy contract). */
export function reconnectDelay(previousRetryCount: number, elapsedMilliseconds: number): number | null {
  if (elapsedMilliseconds >= reconnectGiveUpMs) return null;
  return earlyDelaysMs[previousRetryCount] ?? 5000;
}
