/**
 * Raised hands in the order they went up: by the server's `raisedAt`, ties broken by user id so every host
 * sees the same order.
 */
export function handQueue(hands: ReadonlyMap<string, string>): string[] {
  return [...hands.entries()]
    .sort(([aId, aAt], [bId, bAt]) => {
      const byTime = Date.parse(aAt) - Date.parse(bAt);
      if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
      return aId < bId ? -1 : aId > bId ? 1 : 0;
    })
    .map(([userId]) => userId);
}
