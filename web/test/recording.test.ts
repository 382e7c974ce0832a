import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JoinRoomResult } from '../src/contract';
import { LocalMedia } from '../src/localMedia';
import { Meeting } from '../src/meeting';
import { FakeHub, RecordingView, fakeDevice, room, roomUser, routerRtpCapabilities, settle, user } from './fakes';

function joined(recording: { recordingId: string; startedAt: string } | null): JoinRoomResult {
  return {
    status: 'joined',
    room: room('alice'),
    self: roomUser('bob', 'Bob', 'participant'),
    users: [roomUser('alice', 'Alice', 'host')],
    routerRtpCapabilities: routerRtpCapabilities(),
    producers: [],
    recording,
  };
}

describe('recording', () => {
  it('a late joiner learns from joinRoom that the meeting is being recorded, then follows the events', async () => {
    const hub = new FakeHub();
    const view = new RecordingView();
    const meeting = new Meeting(hub, room('alice'), user('bob', 'Bob'), new LocalMedia(), view, fakeDevice);
    const running = { recordingId: 'rec1', startedAt: '2026-12-05T04:00:00.000Z' };
    hub.respond('joinRoom', () => joined(running));
    await meeting.start();
    assert.deepEqual(view.recordings, [running]);

    hub.emit('recordingStopped', { recordingId: 'rec1' });
    hub.emit('recordingStarted', { recordingId: 'rec2', startedAt: '2026-12-05T04:05:00.000Z' });
    await settle();
    assert.deepEqual(view.recordings.map((r) => r?.recordingId ?? null), ['rec1', null, 'rec2']);
  });

  it('a host starts and stops through the hub, and a refusal becomes a notice', async () => {
    const hub = new FakeHub();
    const view = new RecordingView();
    const meeting = new Meeting(hub, room('alice'), user('alice', 'Alice'), new LocalMedia(), view, fakeDevice);
    hub.respond('joinRoom', () => ({ ...joined(null), self: roomUser('alice', 'Alice', 'host') }));
    await meeting.start();
    assert.deepEqual(view.recordings, [null]);

    hub.respond('startRecording', () => ({ recordingId: 'rec1' }));
    await meeting.startRecording();
    hub.respond('stopRecording', () => { throw new Error('An unexpected error occurred invoking \'stopRecording\' on the server. HubException: Not recording'); });
    await meeting.stopRecording();
    assert.deepEqual(hub.calls.filter((c) => c.method.endsWith('Recording')).map((c) => c.method), ['startRecording', 'stopRecording']);
    assert.deepEqual(view.notices, ['Not recording']);
  });
});
