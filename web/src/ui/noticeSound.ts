/**
 * A soft two-note chime for room notices (someone joined, left, lost connection). Off unless the person turned it
 * on (kept in localStorage under `parley.noticeSound`): a meeting that beeps by default is a meeting people mute.
 */
const storageKey = 'parley.noticeSound';
let context: AudioContext | null = null;
let lastPlayed = 0;

export function noticeSoundOn(): boolean {
  try {
    return localStorage.getItem(storageKey) === 'on';
  } catch {
    return false;
  }
}

export function setNoticeSound(on: boolean): void {
  try {
    localStorage.setItem(storageKey, on ? 'on' : 'off');
  } catch {
    // Storage refused: the choice lasts for this page only.
  }
}

export function playNoticeSound(): void {
  // At most one chime a second: ten people joining at once make one sound.
  if (!noticeSoundOn() || typeof AudioContext === 'undefined' || Date.now() - lastPlayed < 1000) return;
  lastPlayed = Date.now();
  context ??= new AudioContext();
  const start = context.currentTime;
  for (const [offset, frequency] of [[0, 660], [0.12, 880]] as const) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.06, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.3);
  }
}
