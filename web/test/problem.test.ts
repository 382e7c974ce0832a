import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problemMessage } from '../src/lib/problem';
import { hubErrorMessage, isRoomNotFound } from '../src/lib/hubError';

describe('problem+json to a message', () => {
  it('prefers the detail a person can act on', () => {
    const body = { type: 'about:blank', title: 'Conflict', status: 409, detail: 'An account with this email already exists.' };
    assert.equal(problemMessage(409, body), 'An account with this email already exists.');
  });

  it('uses a specific title when there is no detail', () => {
    assert.equal(problemMessage(404, { title: 'Room not found' }), 'Room not found');
  });

  it('replaces generic framework titles with our wording', () => {
    assert.equal(problemMessage(404, { title: 'Not Found', status: 404 }), 'Not found. It may have been deleted, or the link may be wrong.');
    assert.equal(problemMessage(401, { title: 'Unauthorized' }), 'Your session has expired. Please sign in again.');
  });

  it('lists validation errors', () => {
    const body = {
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: { Name: ['The room name must be 1 to 100 characters.'], Password: ['Too short.', 'Needs a digit.'] },
    };
    assert.equal(problemMessage(400, body), 'The room name must be 1 to 100 characters. Too short. Needs a digit.');
  });

  it('falls back to the status when the body is not a problem', () => {
    assert.equal(problemMessage(429, undefined), 'Too many attempts. Wait a moment and try again.');
    assert.equal(problemMessage(502, '<html>Bad gateway</html>'), 'The server had a problem. Try again in a moment.');
    assert.equal(problemMessage(0, null), 'Cannot reach the server. Check your connection and try again.');
    assert.equal(problemMessage(418, [1, 2]), 'The request failed (HTTP 418).');
    assert.equal(problemMessage(400, { detail: '   ' }), 'The request was not valid. Check what you entered and try again.');
  });
});

describe('hub errors to a message', () => {
  it('extracts the HubException reason', () => {
    const error = new Error("An unexpected error occurred invoking 'joinRoom' on the server. HubException: Room not found");
    assert.equal(hubErrorMessage(error), 'Room not found');
    assert.equal(isRoomNotFound(hubErrorMessage(error)), true);
  });

  it('hides internal server errors behind a readable sentence', () => {
    const error = new Error("An unexpected error occurred invoking 'produce' on the server.");
    assert.equal(hubErrorMessage(error), 'The server could not complete that request. Try again in a moment.');
  });

  it('recognises a dropped connection', () => {
    assert.equal(hubErrorMessage(new Error("Cannot send data if the connection is not in the 'Connected' State.")), 'Connection lost. Reconnecting…');
    assert.equal(hubErrorMessage(new Error('Invocation canceled due to the underlying connection being closed.')).length > 0, true);
  });

  it('copes with non-errors', () => {
    assert.equal(hubErrorMessage('Not a member of this room'), 'Not a member of this room');
    assert.equal(hubErrorMessage(undefined), 'Something went wrong.');
    assert.equal(isRoomNotFound('Not a member of this room'), false);
  });
});
