import type { TokenResponse } from './contract';

/**
 * The bearer tokens of this browser profile, in localStorage: a new tab, an invite link opened later and a browser
 * restart stay signed in (the refresh token lives 14 days; logout revokes it on the server). Why not the HttpOnly
 * session cookie: the hub and the nodes a room may be redirected to take the bearer token (a SameSite=Strict cookie
 * does not go to another node's origin); see docs/http-api.md, "Sign-in persistence".
 */
export interface StoredSession {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Epoch milliseconds after which the access token is no longer accepted. */
  readonly expiresAt: number;
}

export const storageKey = 'parley.session';

export function sessionFromTokens(tokens: TokenResponse, now: number): StoredSession {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: now + Math.max(0, tokens.expiresIn) * 1000,
  };
}

export function loadSession(): StoredSession | null {
  try {
    const raw = localStorage.getItem(storageKey) ?? sessionStorage.getItem(storageKey);
    if (raw === null) return null;
    return parseSession(raw);
  } catch {
    // Storage disabled or a corrupt entry: behave as signed out.
  }
  return null;
}

/** A stored session, or null when the text is not one. */
export function parseSession(raw: string): StoredSession | null {
  try {
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
    // A corrupt entry: behave as signed out.
  }
  return null;
}

export function saveSession(session: StoredSession | null): void {
  try {
    // Pages from before sign-in persisted kept it per tab; that copy goes.
    sessionStorage.removeItem(storageKey);
    if (session === null) localStorage.removeItem(storageKey);
    else localStorage.setItem(storageKey, JSON.stringify(session));
  } catch {
    // Private modes may refuse storage; the session then lasts until the page is closed.
  }
}
