import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../src/contract';
import { ChatHistory, chatHeading } from '../src/lib/chatHistory';

const message = (n: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${n}`, roomId: 'r', fromUserId: 'u1', fromName: 'Ann', toUserId: null, text: `text ${n}`,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), ...extra,
});
const ids = (history: ChatHistory): string[] => history.all.map((m) => m.id);

describe('chat history', () => {
  it('shows a page, adds live messages once and pages back in front', () => {
    const history = new ChatHistory();
    history.reset([message(3), message(4)], 2);
    assert.equal(history.hasEarlier, true);
    assert.equal(history.append(message(5)), true);
    assert.equal(history.append(message(5)), false);
    assert.deepEqual(ids(history), ['m3', 'm4', 'm5']);
    assert.equal(history.oldestId, 'm3');
    assert.deepEqual(history.prepend([message(1), message(2)], 50).map((m) => m.id), ['m1', 'm2']);
    assert.equal(history.hasEarlier, false);
    assert.deepEqual(ids(history), ['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('after a rejoin keeps live messages newer than the page and drops what the page has', () => {
    const history = new ChatHistory();
    history.reset([message(1)]);
    history.append(message(2));
    history.append(message(9));
    history.reset([message(1), message(2), message(3)]);
    assert.deepEqual(ids(history), ['m1', 'm2', 'm3', 'm9']);
    assert.equal(history.hasEarlier, false);
  });

  it('forgets a deleted message', () => {
    const history = new ChatHistory();
    history.reset([message(1), message(2)]);
    assert.equal(history.remove('m1'), true);
    assert.equal(history.remove('m1'), false);
    assert.deepEqual(ids(history), ['m2']);
    assert.equal(history.append(message(1)), true);
  });

  it('says who wrote a message and to whom a private one went', () => {
    const names = new Map([['u2', 'Bob']]);
    const nameOf = (id: string): string | undefined => names.get(id);
    assert.equal(chatHeading(message(1), 'u9', nameOf), 'Ann');
    assert.equal(chatHeading(message(1), 'u1', nameOf), 'You');
    assert.equal(chatHeading(message(1, { toUserId: 'u2' }), 'u1', nameOf), 'You → Bob (private)');
    assert.equal(chatHeading(message(1, { toUserId: 'u2' }), 'u2', nameOf), 'Ann → you (private)');
    assert.equal(chatHeading(message(1, { toUserId: 'u3' }), 'u1', nameOf), 'You → someone who left (private)');
  });
});
