/**
 * The meeting this tab is in, kept in sessionStorage (per tab, survives a reload): after a reload the page goes
 * straight back into the same room with the microphone and camera as they were, instead of the pre-join screen.
 * The server holds the place for its reconnect grace, so the others see no leave and join for a quick reload.
 */
export interface ActiveMeeting {
  readonly joinCode: string;
  readonly mic: boolean;
  readonly cam: boolean;
}

const storageKey = 'parley.activeMeeting';

export function rememberMeeting(meeting: ActiveMeeting): void {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(meeting));
  } catch {
    // Storage refused: a reload shows the pre-join screen, as before.
  }
}

export function forgetMeeting(): void {
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // Nothing stored.
  }
}

/** The meeting to rejoin at this join code, or null. */
export function meetingToRejoin(joinCode: string): ActiveMeeting | null {
  try {
    const raw = sessionStorage.getItem(storageKey);
    if (raw === null) return null;
    const parsed = JSON.parse(raw) as Partial<ActiveMeeting>;
    if (parsed.joinCode !== joinCode) return null;
    return { joinCode, mic: parsed.mic === true, cam: parsed.cam === true };
  } catch {
    return null;
  }
}
