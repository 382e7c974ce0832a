/**
 * Join codes are 6 characters from an alphabet without the look-alikes O, 0, I and 1,
 * so they can be read aloud; people type them in any case and with stray separators.
 */
export const JOIN_CODE_LENGTH = 6;
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const validJoinCode = /^[A-HJ-NP-Z2-9]{6}$/;

export type JoinCodeResult = { ok: true; code: string } | { ok: false; message: string };

/** Upper-cases and drops the spaces and dashes people add when they copy a code from a chat. */
export function normalizeJoinCode(input: string): string {
  return input.replace(/[\s\-_.]/g, '').toUpperCase();
}

export function isValidJoinCode(code: string): boolean {
  return validJoinCode.test(code);
}

/** Normalises and validates what someone typed, with a message they can act on when it is wrong. */
export function parseJoinCode(input: string): JoinCodeResult {
  const code = normalizeJoinCode(input);
  if (code.length === 0) {
    return { ok: false, message: 'Enter the 6-character join code you were given.' };
  }
  if (code.length !== JOIN_CODE_LENGTH) {
    return { ok: false, message: `A join code has ${JOIN_CODE_LENGTH} characters; this one has ${code.length}.` };
  }
  if (!isValidJoinCode(code)) {
    return {
      ok: false,
      message: 'Join codes use the letters A–Z and the digits 2–9 only (never O, 0, I or 1). Check the code and try again.',
    };
  }
  return { ok: true, code };
}
