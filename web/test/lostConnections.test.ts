import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LostConnections, lostNoticeDelayMs, type NoticeTimers } from '../src/lib/lostConnections';

/** A clock the test moves by hand. */
class ManualTimers implements NoticeTimers {
  now = 0;
  private next = 0;
  private readonly due = new Map<number, { at: number; callback: () => void }>();

  set(callback: () => void, delayMs: number): unknown {
    const id = ++this.next;
    this.due.set(id, { at: this.now + delayMs, callback });
    return id;
  }

  clear(handle: unknown): void {
    this.due.delete(handle as number);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.due].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.now) continue;
      this.due.delete(id);
      timer.callback();
    }
  }
}

function setUp() {
  const timers = new ManualTimers();
  const reports: string[] = [];
  const lost = new LostConnections((userId, connected) => reports.push(`${userId}:${connected ? 'back' : 'lost'}`), lostNoticeDelayMs, timers);
  return { timers, reports, lost };
}

describe('lost connections', () => {
  it('says nothing about a loss that ends within the delay (a reload)', () => {
    const { timers, reports, lost } = setUp();
    lost.changed('bob', false);
    timers.advance(lostNoticeDelayMs - 1);
    lost.changed('bob', true);
    timers.advance(lostNoticeDelayMs * 3);
    assert.deepEqual(reports, []);
  });

  it('reports a loss that lasts, and then that the person is back', () => {
    const { timers, reports, lost } = setUp();
    lost.changed('bob', false);
    timers.advance(lostNoticeDelayMs);
    assert.deepEqual(reports, ['bob:lost']);
    lost.changed('bob', true);
    assert.deepEqual(reports, ['bob:lost', 'bob:back']);
  });

  it('times each person on their own, and a repeated loss does not restart the clock', () => {
    const { timers, reports, lost } = setUp();
    lost.changed('bob', false);
    timers.advance(3000);
    lost.changed('carol', false);
    lost.changed('bob', false);
    timers.advance(lostNoticeDelayMs - 3000);
    assert.deepEqual(reports, ['bob:lost']);
    timers.advance(3000);
    assert.deepEqual(reports, ['bob:lost', 'carol:lost']);
  });

  it('a "back" without a reported loss is no news', () => {
    const { reports, lost } = setUp();
    lost.changed('bob', true);
    assert.deepEqual(reports, []);
  });

  it('forgets someone who left and stops every timer when cleared', () => {
    const { timers, reports, lost } = setUp();
    lost.changed('bob', false);
    lost.changed('carol', false);
    lost.forget('bob');
    lost.clear();
    timers.advance(lostNoticeDelayMs * 2);
    lost.changed('carol', true);
    assert.deepEqual(reports, []);
  });
});
