import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Api, ApiError } from '../src/api';

interface Call {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
  readonly body: unknown;
}

/** Replaces fetch with a scripted server; each handler answers one request in order. */
function scriptFetch(handlers: ((call: Call) => Response)[]): Call[] {
  const calls: Call[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const call: Call = {
      method: init?.method ?? 'GET',
      path: String(input),
      authorization: headers.get('Authorization'),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const handler = handlers.shift();
    if (handler === undefined) throw new Error(`unexpected request ${call.method} ${call.path}`);
    return handler(call);
  }) as typeof fetch;
  return calls;
}

const jsonResponse = (status: number, body: unknown, type = 'application/json'): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
const tokens = (n: number) => ({ tokenType: 'Bearer', accessToken: `access-${n}`, expiresIn: 3600, refreshToken: `refresh-${n}` });

describe('HTTP API client', () => {
  const realFetch = globalThis.fetch;
  beforeEach(() => {
    globalThis.fetch = realFetch;
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('sends the bearer token and refreshes once on 401, then retries', async () => {
    const calls = scriptFetch([
      () => jsonResponse(200, tokens(1)),
      () => new Response(null, { status: 401 }),
      () => jsonResponse(200, tokens(2)),
      () => jsonResponse(200, { rooms: [] }),
    ]);
    const api = new Api();
    await api.login('ada@example.org', 'secret');
    assert.deepEqual(await api.myRooms(), []);
    assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [
      'POST /api/auth/login',
      'GET /api/rooms',
      'POST /api/auth/refresh',
      'GET /api/rooms',
    ]);
    assert.equal(calls[0]?.authorization, null);
    assert.equal(calls[1]?.authorization, 'Bearer access-1');
    assert.deepEqual(calls[2]?.body, { refreshToken: 'refresh-1' });
    assert.equal(calls[3]?.authorization, 'Bearer access-2');
    assert.equal(await api.accessToken(), 'access-2');
  });

  it('signs out when the refresh token is refused', async () => {
    scriptFetch([
      () => jsonResponse(200, tokens(1)),
      () => new Response(null, { status: 401 }),
      () => jsonResponse(401, { title: 'Unauthorized', detail: 'The refresh token has expired.' }, 'application/problem+json'),
    ]);
    const api = new Api();
    let signedOut = 0;
    api.onSignedOut = () => signedOut++;
    await api.login('ada@example.org', 'secret');
    await assert.rejects(api.myRooms(), (error: unknown) => error instanceof ApiError && error.status === 401);
    assert.equal(signedOut, 1);
    assert.equal(api.hasSession, false);
  });

  it('turns problem+json into the error message', async () => {
    scriptFetch([
      () => jsonResponse(200, tokens(1)),
      () => jsonResponse(404, { title: 'Not Found', status: 404, detail: 'No room has the join code ABC234.' }, 'application/problem+json'),
      () => jsonResponse(403, { title: 'Forbidden', status: 403, detail: 'Guests cannot create rooms.' }, 'application/problem+json'),
    ]);
    const api = new Api();
    await api.joinAsGuest('Grace');
    await assert.rejects(api.roomByJoinCode('ABC234'), { name: 'ApiError', status: 404, message: 'No room has the join code ABC234.' });
    await assert.rejects(api.createRoom('Standup', false), { status: 403, message: 'Guests cannot create rooms.' });
  });

  it('refreshes an access token that is about to expire before handing it to the hub', async () => {
    const calls = scriptFetch([
      () => jsonResponse(200, { ...tokens(1), expiresIn: 10 }),
      () => jsonResponse(200, tokens(2)),
    ]);
    const api = new Api();
    await api.login('ada@example.org', 'secret');
    assert.equal(await api.accessToken(), 'access-2');
    assert.equal(calls[1]?.path, '/api/auth/refresh');
  });

  it('reports an unreachable server as status 0', async () => {
    globalThis.fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const api = new Api();
    await assert.rejects(api.login('a@b.c', 'x'), { status: 0, message: 'Cannot reach the server. Check your connection and try again.' });
  });

  it('encodes path segments', async () => {
    const calls = scriptFetch([() => jsonResponse(200, tokens(1)), () => jsonResponse(200, { room: {} })]);
    const api = new Api();
    await api.login('a@b.c', 'x');
    await api.roomByJoinCode('AB/../C');
    assert.equal(calls[1]?.path, '/api/rooms/join/AB%2F..%2FC');
  });
});
