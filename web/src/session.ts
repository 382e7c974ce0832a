import type { TokenResponse } from './contract';

/**
 * The bearer tokens of this tab. sessionStorage (not localStorage) keeps them per tab, so a reload
 * stays signed in while two tabs can be two different people — handy for trying a meeting alone.
 */
export interface StoredSession {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Epoch milliseconds after which the access token is no longer accepted. */
  readonly expiresAt: number;
}

const storageKey = 'parley.session';

export function sessionFromTokens(tokens: TokenResponse, now: number): StoredSession {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: now + Math.max(0, tokens.expiresIn) * 1000,
  };
}

export function loadSession(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(storageKey);
    if (raw === null) return null;
    const parsed: unknown = JSON.parse(raw);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'accessToken' in parsed &&
      'refreshToken' in parsed &&
      'expiresAt' in parsed &&
      typeof parsed.accessToken === 'string' &&
      typeof parsed.refreshToken === 'string' &&
      typeof parsed.expiresAt === 'number'
    ) {
      return { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken, expiresAt: parsed.expiresAt };
    }
  } catch {
    // Storage disabled or a corrupt entry: behave as signed out.
  }
  return null;
}

export function saveSession(session: StoredSession | null): void {
  try {
    if (session === null) sessionStorage.removeItem(storageKey);
    else sessionStorage.setItem(storageKey, JSON.stringify(session));
  } catch {
    // Private modes may refuse storage; the session then lasts until the page is closed.
  }
}
