import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { historyPath, inviteLink, myHistoryPath, parseJoinInput, parseRoute, roomPath } from '../src/lib/routes';

describe('routes and invite links', () => {
  it('maps paths to routes', () => {
    assert.deepEqual(parseRoute('/'), { kind: 'home' });
    assert.deepEqual(parseRoute('/index.html'), { kind: 'home' });
    assert.deepEqual(parseRoute('/r/ABC234'), { kind: 'room', joinCode: 'ABC234' });
    assert.deepEqual(parseRoute('/r/abc234/'), { kind: 'room', joinCode: 'ABC234' });
    assert.deepEqual(parseRoute('/r/abc%20234'), { kind: 'room', joinCode: 'ABC234' });
    assert.deepEqual(parseRoute('/r/'), { kind: 'unknown', path: '/r/' });
    assert.deepEqual(parseRoute('/r/ABC234/extra'), { kind: 'unknown', path: '/r/ABC234/extra' });
    assert.deepEqual(parseRoute('/r/%E0%A4%A'), { kind: 'unknown', path: '/r/%E0%A4%A' });
    assert.deepEqual(parseRoute('/settings'), { kind: 'unknown', path: '/settings' });
  });

  it('maps invite-link and history paths', () => {
    const token = 'aB3_-xYz0123456789aB3_-xYz0123456789aB3_-xY';
    assert.deepEqual(parseRoute(`/i/${token}`), { kind: 'invite', token });
    assert.deepEqual(parseRoute('/i/'), { kind: 'unknown', path: '/i/' });
    assert.deepEqual(parseRoute('/i/bad%20token'), { kind: 'unknown', path: '/i/bad%20token' });
    assert.equal(historyPath('abc123'), '/history/abc123');
    assert.deepEqual(parseRoute('/history/abc123'), { kind: 'history', roomId: 'abc123' });
    assert.equal(myHistoryPath, '/history');
    assert.deepEqual(parseRoute('/history'), { kind: 'myHistory' });
    assert.deepEqual(parseRoute('/history/'), { kind: 'myHistory' });
    assert.deepEqual(parseRoute('/history/a/b'), { kind: 'unknown', path: '/history/a/b' });
  });

  it('builds invite links that parse back to the same code', () => {
    assert.equal(roomPath('ABC234'), '/r/ABC234');
    const link = inviteLink('https://meet.example.org/', 'ABC234');
    assert.equal(link, 'https://meet.example.org/r/ABC234');
    const url = new URL(link);
    assert.deepEqual(parseRoute(url.pathname), { kind: 'room', joinCode: 'ABC234' });
  });

  it('accepts a code or a pasted invite link in the join box', () => {
    assert.deepEqual(parseJoinInput('abc234'), { ok: true, code: 'ABC234' });
    assert.deepEqual(parseJoinInput('http://localhost:5000/r/kmnpq7'), { ok: true, code: 'KMNPQ7' });
    assert.deepEqual(parseJoinInput('  https://x.org/r/KMNPQ7?utm=1#top '), { ok: true, code: 'KMNPQ7' });
    assert.equal(parseJoinInput('https://x.org/r/KMN').ok, false);
    assert.equal(parseJoinInput('hello').ok, false);
  });
});
