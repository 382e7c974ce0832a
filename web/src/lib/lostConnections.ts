/**
 * How long someone's connection must stay lost before the others are told. The server reports a lost connection at
 * once (`userConnectionChanged`) and keeps the place for its reconnect grace (10 s by default); a reload or a short
 * network blip comes back well within a few seconds, and is no news to anyone. Shorter than the grace, so that a
 * real loss still shows as "lost connection" before the server lets the person go.
 */
export const lostNoticeDelayMs = 5000;

/** The timer functions the debounce uses (the page's own; tests pass their own clock). */
export interface NoticeTimers {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

const windowTimers: NoticeTimers = {
  set: (callback, delayMs) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Holds back the server's "connection lost" for a person until it has lasted {@link lostNoticeDelayMs}: `report`
 * hears `(userId, false)` only then, and `(userId, true)` only for a loss it reported. A loss that ends sooner (a
 * reload, the client's own reconnect) is reported to nobody: no notice, no dimmed tile.
 */
export class LostConnections {
  private readonly pending = new Map<string, unknown>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly report: (userId: string, connected: boolean) => void,
    private readonly delayMs = lostNoticeDelayMs,
    private readonly timers: NoticeTimers = windowTimers,
  ) {}

  /** The server's `userConnectionChanged`. */
  changed(userId: string, connected: boolean): void {
    if (!connected) {
      if (this.pending.has(userId) || this.reported.has(userId)) return;
      this.pending.set(userId, this.timers.set(() => {
        this.pending.delete(userId);
        this.reported.add(userId);
        this.report(userId, false);
      }, this.delayMs));
      return;
    }
    if (this.pending.has(userId)) {
      this.timers.clear(this.pending.get(userId));
      this.pending.delete(userId);
    } else if (this.reported.delete(userId)) {
      this.report(userId, true);
    }
  }

  /** The person left (their own notice says so): nothing more about their connection. */
  forget(userId: string): void {
    if (this.pending.has(userId)) this.timers.clear(this.pending.get(userId));
    this.pending.delete(userId);
    this.reported.delete(userId);
  }

  /** The meeting ended: no notice fires afterwards. */
  clear(): void {
    for (const handle of this.pending.values()) this.timers.clear(handle);
    this.pending.clear();
    this.reported.clear();
  }
}
