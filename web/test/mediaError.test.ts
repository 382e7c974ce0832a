import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPermissionError, mediaErrorMessage } from '../src/lib/mediaError';
import { initials } from '../src/lib/names';
import { reconnectDelay, reconnectGiveUpMs } from '../src/lib/retry';

const domError = (name: string): { name: string; message: string } => ({ name, message: name });

describe('media capture errors', () => {
  it('says when the camera is blocked', () => {
    const message = mediaErrorMessage(domError('NotAllowedError'), 'camera');
    assert.match(message, /^Camera access is blocked/);
    assert.equal(isPermissionError(domError('NotAllowedError')), true);
  });

  it('tells a missing device from a busy one', () => {
    assert.match(mediaErrorMessage(domError('NotFoundError'), 'microphone'), /No microphone was found/);
    assert.match(mediaErrorMessage(domError('NotReadableError'), 'camera'), /in use by another application/);
    assert.equal(isPermissionError(domError('NotReadableError')), false);
  });

  it('treats a cancelled screen share as cancelled', () => {
    assert.equal(mediaErrorMessage(domError('NotAllowedError'), 'screen'), 'Screen sharing was cancelled or blocked.');
  });

  it('copes with anything thrown', () => {
    assert.equal(mediaErrorMessage(undefined, 'camera'), 'Could not start the camera.');
    assert.equal(isPermissionError('nope'), false);
  });
});

describe('small helpers', () => {
  it('makes initials', () => {
    assert.equal(initials('Ada Lovelace'), 'AL');
    assert.equal(initials('  grace  '), 'G');
    assert.equal(initials('Jean Baptiste Poquelin'), 'JP');
    assert.equal(initials(''), '?');
  });

  it('backs off reconnects and eventually gives up', () => {
    assert.equal(reconnectDelay(0, 0), 0);
    assert.equal(reconnectDelay(1, 500), 1000);
    assert.equal(reconnectDelay(20, 60_000), 5000);
    assert.equal(reconnectDelay(50, reconnectGiveUpMs), null);
  });
});
