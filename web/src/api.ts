import type { ActiveRecording, Attendance, Invite, Member, MyHistorySession, Recording, Room, RoomChanges, RoomStats, RoomUser, Session, Template, TokenResponse, User } from './contract';
import { problemMessage, statusMessage } from './lib/problem';
import { loadSession, parseSession, saveSession, sessionFromTokens, storageKey, type StoredSession } from './session';

/** `POST /api/recordings/{id}/download-link`: a same-origin URL valid until `expiresAt` (docs/http-api.md). */
export interface RecordingDownloadLink {
  url: string;
  expiresAt: string;
}

/** An HTTP failure with the message to show and the status to branch on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Refresh this long before expiry so a token never runs out between the check and the request. */
const refreshMarginMs = 30_000;

/**
 * The HTTP API of the contract with bearer tokens: a 401 triggers one refresh with the refresh
 * token and one retry; when that fails the session is dropped and `onSignedOut` fires.
 */
export class Api {
  private session: StoredSession | null = loadSession();
  private refreshing: Promise<boolean> | null = null;

  /** Called when the session ended (refresh refused, sign-out). */
  onSignedOut: () => void = () => {};

  constructor() {
    // Another tab refreshed the tokens or signed out: follow it, so that tabs do not hold stale tokens.
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (event) => {
        if (event.key !== storageKey) return;
        const next = event.newValue === null ? null : parseSession(event.newValue);
        if (next === null) this.drop(true);
        else this.session = next;
      });
    }
  }

  get hasSession(): boolean {
    return this.session !== null;
  }

  /** The token for the SignalR connection (its `accessTokenFactory`), refreshed first when about to expire. */
  async accessToken(): Promise<string> {
    if (this.session !== null && this.session.expiresAt - Date.now() < refreshMarginMs) {
      await this.refresh();
    }
    return this.session?.accessToken ?? '';
  }

  async register(email: string, password: string, name: string): Promise<User> {
    const body = await this.request<{ user: User }>('POST', '/api/auth/register', { email, password, name }, false);
    return body.user;
  }

  async login(email: string, password: string): Promise<void> {
    this.adopt(await this.request<TokenResponse>('POST', '/api/auth/login', { email, password }, false));
  }

  async joinAsGuest(name: string): Promise<void> {
    this.adopt(await this.request<TokenResponse>('POST', '/api/auth/guest', { name }, false));
  }

  async me(): Promise<User> {
    return (await this.request<{ user: User }>('GET', '/api/auth/me')).user;
  }

  async logout(): Promise<void> {
    try {
      if (this.session !== null) await this.request<void>('POST', '/api/auth/logout');
    } finally {
      this.drop(false);
    }
  }

  async createRoom(name: string, requireAccessBeforeJoining: boolean): Promise<Room> {
    return (await this.request<{ room: Room }>('POST', '/api/rooms/create', { name, requireAccessBeforeJoining })).room;
  }

  async roomByJoinCode(joinCode: string): Promise<Room> {
    return (await this.request<{ room: Room }>('GET', `/api/rooms/join/${encodeURIComponent(joinCode)}`)).room;
  }

  async room(roomId: string): Promise<{ room: Room; users: RoomUser[] }> {
    return this.request('GET', `/api/rooms/${encodeURIComponent(roomId)}`);
  }

  async myRooms(): Promise<Room[]> {
    return (await this.request<{ rooms: Room[] }>('GET', '/api/rooms')).rooms;
  }

  async updateRoom(roomId: string, changes: RoomChanges): Promise<Room> {
    return (await this.request<{ room: Room }>('PATCH', `/api/rooms/${encodeURIComponent(roomId)}`, changes)).room;
  }

  async deleteRoom(roomId: string): Promise<void> {
    await this.request<void>('DELETE', `/api/rooms/${encodeURIComponent(roomId)}`);
  }

  async recordings(roomId: string): Promise<Recording[]> {
    return (await this.request<{ recordings: Recording[] }>('GET', `/api/rooms/${encodeURIComponent(roomId)}/recordings`)).recordings;
  }

  async currentRecording(roomId: string): Promise<ActiveRecording | null> {
    return (await this.request<{ recording: ActiveRecording | null }>('GET', `/api/rooms/${encodeURIComponent(roomId)}/recording`)).recording;
  }

  async deleteRecording(recordingId: string): Promise<void> {
    await this.request<void>('DELETE', `/api/recordings/${encodeURIComponent(recordingId)}`);
  }

  /**
   * A short-lived link to a recording's file that carries its own credential (the API takes a bearer token, which a
   * plain link cannot send): the browser then downloads or plays it itself, streaming with range requests.
   */
  async recordingDownloadLink(recordingId: string): Promise<RecordingDownloadLink> {
    return this.request<RecordingDownloadLink>('POST', `/api/recordings/${encodeURIComponent(recordingId)}/download-link`);
  }

  // Templates, history, invitations (docs/http-api.md)

  async templates(): Promise<Template[]> {
    return (await this.request<{ templates: Template[] }>('GET', '/api/templates')).templates;
  }

  async createRoomFromTemplate(name: string, templateId: string): Promise<Room> {
    return (await this.request<{ room: Room }>('POST', '/api/rooms/create', { name, templateId })).room;
  }

  /** Saves a room's settings as the caller's own template (its hosts only). */
  async saveTemplate(name: string, fromRoomId: string): Promise<Template> {
    return (await this.request<{ template: Template }>('POST', '/api/templates', { name, fromRoomId })).template;
  }

  async renameTemplate(templateId: string, name: string): Promise<Template> {
    return (await this.request<{ template: Template }>('PATCH', `/api/templates/${encodeURIComponent(templateId)}`, { name })).template;
  }

  async deleteTemplate(templateId: string): Promise<void> {
    await this.request<void>('DELETE', `/api/templates/${encodeURIComponent(templateId)}`);
  }

  /** The caller's own meeting history, newest first (`next`: the cursor of the following page). */
  async myHistory(cursor?: string): Promise<{ sessions: MyHistorySession[]; next: string | null }> {
    const query = cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`;
    return this.request('GET', `/api/me/history${query}`);
  }

  async sessions(roomId: string, cursor?: string): Promise<{ sessions: Session[]; next: string | null }> {
    const query = cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`;
    return this.request('GET', `/api/rooms/${encodeURIComponent(roomId)}/sessions${query}`);
  }

  async meetingSession(sessionId: string): Promise<{ session: Session; attendance: Attendance[] }> {
    return this.request('GET', `/api/sessions/${encodeURIComponent(sessionId)}`);
  }

  async stats(roomId: string, from: Date, to: Date): Promise<RoomStats> {
    return this.request('GET', `/api/rooms/${encodeURIComponent(roomId)}/stats?from=${from.toISOString()}&to=${to.toISOString()}&bucket=day`);
  }

  /** A history list as CSV (the same path with `Accept: text/csv`). */
  async csv(path: string): Promise<Blob> {
    const headers: Record<string, string> = { Accept: 'text/csv' };
    if (this.session !== null) headers['Authorization'] = `Bearer ${await this.accessToken()}`;
    const response = await fetch(path, { headers, credentials: 'same-origin' }).catch(() => null);
    if (response === null || !response.ok) {
      throw new ApiError(response?.status ?? 0, statusMessage(response?.status ?? 0));
    }
    return response.blob();
  }

  async invites(roomId: string): Promise<Invite[]> {
    return (await this.request<{ invites: Invite[] }>('GET', `/api/rooms/${encodeURIComponent(roomId)}/invites`)).invites;
  }

  async createInvite(roomId: string, options: { skipWaitingRoom?: boolean; maxUses?: number; expiresAt?: string }): Promise<Invite> {
    return (await this.request<{ invite: Invite }>('POST', `/api/rooms/${encodeURIComponent(roomId)}/invites`, options)).invite;
  }

  async revokeInvite(roomId: string, inviteId: string): Promise<void> {
    await this.request<void>('DELETE', `/api/rooms/${encodeURIComponent(roomId)}/invites/${encodeURIComponent(inviteId)}`);
  }

  async roomByInvite(token: string): Promise<Room> {
    return (await this.request<{ room: Room }>('GET', `/api/invites/${encodeURIComponent(token)}`)).room;
  }

  async members(roomId: string): Promise<Member[]> {
    return (await this.request<{ members: Member[] }>('GET', `/api/rooms/${encodeURIComponent(roomId)}/members`)).members;
  }

  async addMember(roomId: string, email: string): Promise<Member> {
    return (await this.request<{ member: Member }>('POST', `/api/rooms/${encodeURIComponent(roomId)}/members`, { email })).member;
  }

  async removeMember(roomId: string, userId: string): Promise<void> {
    await this.request<void>('DELETE', `/api/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(userId)}`);
  }

  async sharedRooms(): Promise<Room[]> {
    return (await this.request<{ rooms: Room[] }>('GET', '/api/rooms/shared')).rooms;
  }

  private adopt(tokens: TokenResponse): void {
    this.session = sessionFromTokens(tokens, Date.now());
    saveSession(this.session);
  }

  private drop(notify: boolean): void {
    const hadSession = this.session !== null;
    this.session = null;
    saveSession(null);
    if (notify && hadSession) this.onSignedOut();
  }

  /** One refresh at a time: concurrent 401s wait for the same attempt. */
  private refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.session?.refreshToken;
    if (refreshToken === undefined) return false;
    try {
      this.adopt(await this.request<TokenResponse>('POST', '/api/auth/refresh', { refreshToken }, false));
      return true;
    } catch (error) {
      // A refused refresh token means the session is over; a network error leaves it for a later try.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) this.drop(true);
      return false;
    }
  }

  private async request<T>(method: string, path: string, body?: unknown, authorized = true): Promise<T> {
    let response = await this.send(method, path, body, authorized);
    if (response.status === 401 && authorized && this.session !== null && (await this.refresh())) {
      response = await this.send(method, path, body, authorized);
    }
    if (response.status === 401 && authorized) {
      this.drop(true);
    }
    if (!response.ok) {
      throw new ApiError(response.status, problemMessage(response.status, await readJson(response)));
    }
    if (response.status === 204) return undefined as T;
    return (await readJson(response)) as T;
  }

  private async send(method: string, path: string, body: unknown, authorized: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (authorized && this.session !== null) headers['Authorization'] = `Bearer ${this.session.accessToken}`;
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) init.body = JSON.stringify(body);
    try {
      return await fetch(path, init);
    } catch {
      throw new ApiError(0, statusMessage(0));
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
