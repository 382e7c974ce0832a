import { normalizeJoinCode, parseJoinCode, type JoinCodeResult } from './joinCode';

/** The pages of the client; the server falls back to index.html for each path below. */
export type Route =
  | { kind: 'home' }
  | { kind: 'room'; joinCode: string }
  | { kind: 'invite'; token: string }
  | { kind: 'history'; roomId: string }
  | { kind: 'myHistory' }
  | { kind: 'unknown'; path: string };

const inviteTokenPath = /^\/i\/([A-Za-z0-9_-]{1,64})\/?$/;
const historyPattern = /^\/history\/([A-Za-z0-9_-]{1,64})\/?$/;
const myHistoryPattern = /^\/history\/?$/;

const invitePath = /^\/r\/([^/]+)\/?$/;

/** Maps a location pathname to a route: `/` is home, `/r/{joinCode}` opens that room's pre-join screen. */
export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '' || pathname === '/index.html') {
    return { kind: 'home' };
  }
  const token = inviteTokenPath.exec(pathname)?.[1];
  if (token !== undefined) return { kind: 'invite', token };
  if (myHistoryPattern.test(pathname)) return { kind: 'myHistory' };
  const historyRoom = historyPattern.exec(pathname)?.[1];
  if (historyRoom !== undefined) return { kind: 'history', roomId: historyRoom };
  const match = invitePath.exec(pathname);
  if (match?.[1] !== undefined) {
    let segment: string;
    try {
      segment = decodeURIComponent(match[1]);
    } catch {
      return { kind: 'unknown', path: pathname };
    }
    return { kind: 'room', joinCode: normalizeJoinCode(segment) };
  }
  return { kind: 'unknown', path: pathname };
}

/** The signed-in person's own meeting history. */
export const myHistoryPath = '/history';

/** A room's history page (hosts). */
export function historyPath(roomId: string): string {
  return `/history/${encodeURIComponent(roomId)}`;
}

export function roomPath(joinCode: string): string {
  return `/r/${encodeURIComponent(joinCode)}`;
}

/** The link people share; opening it goes straight to the room's pre-join screen. */
export function inviteLink(origin: string, joinCode: string): string {
  return `${origin.replace(/\/+$/, '')}${roomPath(joinCode)}`;
}

/**
 * Accepts either a bare join code or a pasted invite link (`https://host/r/ABC234`),
 * since people paste whatever they were sent into the join box.
 */
export function parseJoinInput(input: string): JoinCodeResult {
  const trimmed = input.trim();
  const pathStart = trimmed.indexOf('/r/');
  if (pathStart >= 0) {
    let pathname = trimmed.slice(pathStart);
    const end = pathname.search(/[?#]/);
    if (end >= 0) pathname = pathname.slice(0, end);
    const route = parseRoute(pathname);
    if (route.kind === 'room') return parseJoinCode(route.joinCode);
  }
  return parseJoinCode(trimmed);
}
