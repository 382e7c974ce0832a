import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import type { JoinRoomResult, ProducerInfo } from '../src/contract';
import { lostNoticeDelayMs } from '../src/lib/lostConnections';
import { LocalMedia } from '../src/localMedia';
import { Meeting, SERVER_RESTARTING } from '../src/meeting';
import { FakeHub, RecordingView, fakeDevice, room, roomUser, routerRtpCapabilities, settle, user } from './fakes';

const alice = user('alice', 'Alice');
const bob = user('bob', 'Bob');

function localWithMicAndCam(): LocalMedia {
  const local = new LocalMedia();
  local.micTrack = new FakeMediaStreamTrack({ kind: 'audio' }) as unknown as MediaStreamTrack;
  local.camTrack = new FakeMediaStreamTrack({ kind: 'video' }) as unknown as MediaStreamTrack;
  return local;
}

function joined(self: string, producers: ProducerInfo[] = [], others = [roomUser('bob', 'Bob')]): JoinRoomResult {
  return {
    status: 'joined',
    room: room('alice'),
    self: roomUser(self, self === 'alice' ? 'Alice' : 'Bob', self === 'alice' ? 'host' : 'participant'),
    users: others,
    routerRtpCapabilities: routerRtpCapabilities(),
    producers,
  };
}

const bobCam: ProducerInfo = { producerId: 'p-bob-cam', userId: 'bob', kind: 'video', appData: { source: 'cam' }, paused: false };
const bobMic: ProducerInfo = { producerId: 'p-bob-mic', userId: 'bob', kind: 'audio', appData: { source: 'mic' }, paused: false };

function setUp(options: { self?: typeof alice; local?: LocalMedia; ownerId?: string; requireAccess?: boolean } = {}) {
  const hub = new FakeHub();
  const view = new RecordingView();
  const self = options.self ?? alice;
  const local = options.local ?? localWithMicAndCam();
  const meeting = new Meeting(hub, room(options.ownerId ?? 'alice', options.requireAccess), self, local, view, fakeDevice);
  return { hub, view, meeting, local };
}

describe('meeting', () => {
  it('follows a redirect to the node that holds the room and joins there', async () => {
    const { hub, view, meeting } = setUp();
    let joins = 0;
    hub.respond('joinRoom', () => (++joins === 1 ? { status: 'redirect' as const, url: 'http://node-b:5000' } : joined('alice', [bobCam])));
    await meeting.start();
    assert.deepEqual(hub.redirects, ['http://node-b:5000']);
    assert.equal(hub.callsOf('joinRoom').length, 2);
    assert.deepEqual(view.log, ['joined']);
    assert.deepEqual(hub.callsOf('consume').map((c) => c.producerId), ['p-bob-cam']);
  });

  it('the owner creates the router, joins, sends mic and camera and receives what is there', async () => {
    const { hub, view, meeting } = setUp();
    hub.respond('joinRoom', () => joined('alice', [bobCam, bobMic]));
    await meeting.start();
    assert.deepEqual(hub.calls.slice(0, 2).map((c) => c.method), ['createRoom', 'joinRoom']);
    assert.deepEqual(hub.callsOf('joinRoom'), [{ roomId: 'room1' }]);
    assert.deepEqual(view.log, ['joined']);
    assert.deepEqual(hub.callsOf('produce').map((p) => p.appData.source).sort(), ['cam', 'mic']);
    assert.deepEqual(hub.callsOf('consume').map((c) => c.producerId).sort(), ['p-bob-cam', 'p-bob-mic']);
    assert.equal(view.added.length, 2);
    assert.equal(meeting.isOn('mic'), true);
    const handles = meeting.handles;
    assert.equal(handles.roomId, 'room1');
    assert.equal(handles.consumers.size, 2);
    assert.equal(handles.producers.size, 2);
    assert.ok(handles.device?.loaded);
  });

  it('a participant does not call createRoom and sends only what was left on at pre-join', async () => {
    const local = localWithMicAndCam();
    local.camWanted = false;
    const { hub, meeting } = setUp({ self: bob, local });
    hub.respond('joinRoom', () => joined('bob', [], [roomUser('alice', 'Alice', 'host')]));
    await meeting.start();
    assert.equal(hub.callsOf('createRoom').length, 0);
    assert.deepEqual(hub.callsOf('produce').map((p) => p.appData.source), ['mic']);
  });

  it('waits in the waiting room, then joins when admitted', async () => {
    const { hub, view, meeting } = setUp({ self: bob, ownerId: 'alice', requireAccess: true });
    let admitted = false;
    hub.respond('joinRoom', () => (admitted ? joined('bob', [], [roomUser('alice', 'Alice', 'host')]) : { status: 'waiting' as const }));
    await meeting.start();
    assert.deepEqual(view.log, ['waiting']);
    assert.equal(hub.callsOf('createWebRtcTransport').length, 0, 'no media before admission');
    admitted = true;
    hub.emit('admitted', { roomId: 'room1' });
    await settle();
    assert.deepEqual(view.log, ['waiting', 'joined']);
    assert.equal(hub.callsOf('joinRoom').length, 2);
    assert.equal(hub.callsOf('produce').length, 2);
  });

  it('shows denied, removed, room closed and session replaced as endings', async () => {
    for (const [event, reason] of [['denied', 'denied'], ['removed', 'removed'], ['roomClosed', 'roomClosed']] as const) {
      const { hub, view, meeting, local } = setUp({ self: bob });
      hub.respond('joinRoom', () => ({ status: 'waiting' as const }));
      await meeting.start();
      hub.emit(event, { roomId: 'another-room' });
      assert.equal(view.ends.length, 0, `${event} for another room is ignored`);
      hub.emit(event, { roomId: 'room1' });
      assert.equal(view.ends[0]?.reason, reason);
      assert.equal(local.camTrack, null, 'devices are released');
    }
    const { hub, view, meeting } = setUp();
    hub.respond('joinRoom', () => joined('alice'));
    await meeting.start();
    hub.emit('sessionReplaced', {});
    assert.equal(view.ends[0]?.reason, 'sessionReplaced');
    assert.equal(hub.stopped, 1, 'the replaced tab stops its connection so it cannot reconnect into the room');
  });

  it('when the server restarts it says so, closes the connection and comes back into the same room by itself', async () => {
    const { hub, view, meeting } = setUp();
    hub.respond('joinRoom', () => joined('alice', [bobCam]));
    await meeting.start();
    const before = meeting.handles;
    hub.failStarts = 1; // the server is still down at the first attempt

    hub.emit('serverShuttingDown', {});

    assert.equal(view.banner, SERVER_RESTARTING);
    assert.equal(before.sendTransport?.closed, true, 'the media is closed at once');
    await settle();
    assert.equal(hub.stopped, 1, 'the connection is closed right away (the server waits for that)');
    const deadline = Date.now() + 10_000;
    while (hub.callsOf('joinRoom').length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await settle();
    assert.equal(hub.starts, 3, 'the first start, one failed attempt while the server was down, then the one that worked');
    assert.deepEqual(hub.callsOf('joinRoom'), [{ roomId: 'room1' }, { roomId: 'room1' }]);
    assert.deepEqual(hub.callsOf('produce').map((p) => p.appData.source).sort(), ['cam', 'cam', 'mic', 'mic']);
    assert.equal(view.banner, null);
    assert.equal(view.ends.length, 0);
  });

  it('a join refused because the server is still stopping waits for the server to come back', async () => {
    const { hub, view, meeting } = setUp();
    let refuse = true;
    hub.respond('joinRoom', () => {
      if (refuse) {
        refuse = false;
        throw new Error("An unexpected error occurred invoking 'JoinRoom' on the server. HubException: The server is shutting down; reconnect in a moment");
      }
      return joined('alice');
    });
    await meeting.start();
    assert.equal(view.banner, SERVER_RESTARTING);
    assert.equal(view.ends.length, 0);
    const deadline = Date.now() + 10_000;
    while (hub.callsOf('joinRoom').length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await settle();
    assert.deepEqual(view.log, ['joined']);
    assert.equal(view.banner, null);
  });

  it('says the room is gone when joinRoom refuses with Room not found', async () => {
    const { hub, view, meeting } = setUp();
    hub.respond('createRoom', () => {
      throw new Error("An unexpected error occurred invoking 'CreateRoom' on the server. HubException: Room not found");
    });
    await meeting.start();
    assert.equal(view.ends[0]?.reason, 'roomNotFound');
    assert.equal(view.ends[0]?.rejoin, false);
  });

  it('follows others: users, new and closed producers, pauses, the active speaker and join requests', async () => {
    const { hub, view, meeting } = setUp();
    hub.respond('joinRoom', () => joined('alice'));
    await meeting.start();
    hub.emit('userJoined', roomUser('carol', 'Carol'));
    assert.ok(view.users.has('carol'));
    hub.emit('userUpdated', { ...roomUser('carol', 'Carol'), isMicActive: true });
    assert.equal(view.users.get('carol')?.isMicActive, true);
    hub.emit('newProducer', { ...bobCam, userId: 'carol', producerId: 'p-carol' });
    hub.emit('newProducer', { ...bobCam, userId: 'alice', producerId: 'p-mine' });
    await settle();
    assert.deepEqual(hub.callsOf('consume').map((c) => c.producerId), ['p-carol']);
    hub.emit('producerPaused', { producerId: 'p-carol' });
    assert.ok(view.log.includes('paused:p-carol'));
    const carolConsumer = [...(meeting.handles.consumers.keys())][0] ?? '';
    hub.emit('consumerLayersChanged', { consumerId: carolConsumer, spatialLayer: 1, temporalLayer: 2 });
    assert.deepEqual(meeting.handles.consumerLayers.get(carolConsumer), { spatialLayer: 1, temporalLayer: 2 });
    hub.emit('producerClosed', { producerId: 'p-carol', userId: 'carol' });
    assert.deepEqual(view.removed.map((r) => r.producerId), ['p-carol']);
    hub.emit('activeSpeaker', { userId: 'carol' });
    hub.emit('joinRequest', { userId: 'dave', name: 'Dave' });
    assert.ok(view.log.includes('speaker:carol'));
    assert.ok(view.log.includes('request:dave:Dave'));
    await meeting.admit('dave');
    assert.deepEqual(hub.callsOf('admitUser'), [{ userId: 'dave' }]);
    hub.emit('joinRequest', { userId: 'erin', name: 'Erin' });
    hub.emit('joinRequestCancelled', { userId: 'erin' });
    assert.ok(view.log.includes('resolved:erin'));
    hub.emit('userLeft', { userId: 'carol', reason: 'left' });
    assert.equal(view.users.has('carol'), false);
  });

  it('mute pauses the mic producer, unmute resumes it', async () => {
    const { hub, meeting } = setUp();
    hub.respond('joinRoom', () => joined('alice'));
    await meeting.start();
    await meeting.toggleMic();
    assert.equal(hub.callsOf('pauseProducer').length, 1);
    assert.equal(meeting.isOn('mic'), false);
    await meeting.toggleMic();
    assert.equal(hub.callsOf('resumeProducer').length, 1);
    assert.equal(meeting.isOn('mic'), true);
  });

  it('camera off closes its producer and releases the camera', async () => {
    const { hub, meeting, local } = setUp();
    hub.respond('joinRoom', () => joined('alice'));
    await meeting.start();
    const camera = local.camTrack;
    await meeting.toggleCam();
    assert.equal(hub.callsOf('closeProducer').length, 1);
    assert.equal(local.camTrack, null);
    assert.equal(camera?.readyState, 'ended');
    assert.equal(meeting.isOn('cam'), false);
  });

  it('after the connection drops and comes back, rejoins and restores its media', async () => {
    const { hub, view, meeting } = setUp();
    hub.respond('joinRoom', () => joined('alice', [bobCam]));
    await meeting.start();
    await meeting.toggleMic(); // muted before the drop: stays muted after
    const before = meeting.handles;
    hub.dropAndReconnect();
    assert.equal(before.sendTransport?.closed, true, 'old transports are closed at once');
    await settle();
    assert.equal(hub.callsOf('joinRoom').length, 2);
    assert.equal(hub.callsOf('createWebRtcTransport').length, 4);
    assert.deepEqual(hub.callsOf('produce').map((p) => p.appData.source).sort(), ['cam', 'cam', 'mic']);
    assert.deepEqual(hub.callsOf('consume').map((c) => c.producerId), ['p-bob-cam', 'p-bob-cam']);
    assert.equal(view.banner, null);
    const after = meeting.handles;
    assert.notEqual(after.sendTransport?.id, before.sendTransport?.id);
    assert.equal(after.consumers.size, 1);
    assert.equal(view.ends.length, 0);
  });

  it('switching the microphone swaps the track under the running producer', async () => {
    const { hub, meeting, local } = setUp();
    hub.respond('joinRoom', () => joined('alice'));
    await meeting.start();
    const oldTrack = local.micTrack;
    const newTrack = new FakeMediaStreamTrack({ kind: 'audio' });
    const requested: MediaStreamConstraints[] = [];
    Object.defineProperty(globalThis, 'navigator', {
      configurable: true,
      value: {
        mediaDevices: {
          getUserMedia: async (constraints: MediaStreamConstraints) => {
            requested.push(constraints);
            return { getAudioTracks: () => [newTrack], getVideoTracks: () => [] };
          },
        },
      },
    });
    try {
      await meeting.switchDevice('mic', 'usb-headset');
    } finally {
      Reflect.deleteProperty(globalThis, 'navigator');
    }
    assert.deepEqual((requested[0]?.audio as MediaTrackConstraints).deviceId, { exact: 'usb-headset' });
    const producer = [...meeting.handles.producers.values()].find((p) => p.appData['source'] === 'mic');
    assert.equal(producer?.track, newTrack);
    assert.equal(oldTrack?.readyState, 'ended');
    assert.equal(hub.callsOf('produce').length, 2, 'no new producer, same one with a new track');
  });

  it('gives up with "connection lost" when the hub closes for good', async () => {
    const { hub, view, meeting } = setUp();
    hub.respond('joinRoom', () => joined('alice'));
    await meeting.start();
    hub.onStateChange('disconnected', new Error('Server timeout elapsed'));
    assert.equal(view.ends[0]?.reason, 'connectionLost');
    assert.equal(view.ends[0]?.rejoin, true);
  });

  it('leave tells the server and releases everything', async () => {
    const { hub, view, meeting, local } = setUp();
    hub.respond('joinRoom', () => joined('alice'));
    await meeting.start();
    const handles = meeting.handles;
    await meeting.leave();
    assert.equal(hub.callsOf('leaveRoom').length, 1);
    assert.equal(handles.recvTransport?.closed, true);
    assert.equal(local.micTrack, null);
    assert.equal(view.ends[0]?.reason, 'left');
    hub.emit('userJoined', roomUser('zed', 'Zed'));
    assert.equal(view.users.has('zed'), false, 'no events after leaving');
  });
  it('joined as a viewer, sends nothing and releases the microphone and camera opened at pre-join', async () => {
    const { hub, view, meeting, local } = setUp({ self: bob });
    const mic = local.micTrack;
    const cam = local.camTrack;
    hub.respond('joinRoom', () => ({ ...joined('bob', [], [roomUser('alice', 'Alice', 'host')]), self: roomUser('bob', 'Bob', 'viewer') }));
    await meeting.start();
    assert.equal(hub.callsOf('produce').length, 0);
    assert.equal(mic?.readyState, 'ended');
    assert.equal(cam?.readyState, 'ended');
    assert.equal(local.micTrack, null);
    assert.equal(local.camTrack, null);
    assert.equal(meeting.isOn('cam'), false);
    assert.deepEqual(view.infos, ['You joined as a viewer: you can watch and chat, not send audio or video.']);
  });

  it('follows a host muting its mic, and unmutes when it accepts a request to', async () => {
    const { hub, view, meeting } = setUp({ self: bob });
    hub.respond('joinRoom', () => joined('bob', [], [roomUser('alice', 'Alice', 'host')]));
    await meeting.start();
    const mic = [...meeting.handles.producers.values()].find((p) => p.appData['source'] === 'mic');
    assert.ok(mic);
    hub.emit('producerPaused', { producerId: mic.id });
    assert.equal(mic.paused, true);
    assert.equal(meeting.isOn('mic'), false);
    assert.deepEqual(view.infos, ['A host muted your microphone.']);
    assert.equal(hub.callsOf('pauseProducer').length, 0, 'the server paused it; the page only follows');

    hub.emit('unmuteRequested', { byUserId: 'alice' });
    assert.ok(view.log.includes('unmute?:Alice'));
    await meeting.acceptUnmute();
    assert.deepEqual(hub.callsOf('resumeProducer'), [{ producerId: mic.id }]);
    assert.equal(meeting.isOn('mic'), true);
  });

  it('follows mute on entry even when the pause comes before produce answers', async () => {
    const { hub, view, meeting } = setUp({ self: bob });
    hub.respond('joinRoom', () => joined('bob', [], [roomUser('alice', 'Alice', 'host')]));
    let n = 0;
    hub.respond('produce', (request) => {
      const id = `early-${++n}`;
      if (request.appData.source === 'mic') hub.emit('producerPaused', { producerId: id });
      return { id };
    });
    await meeting.start();
    await settle();
    assert.equal(meeting.isOn('mic'), false);
    assert.equal(meeting.isOn('cam'), true);
    assert.deepEqual(view.infos, ['Microphones are muted on entry in this room.']);
  });

  it('tells who joined, who left and why, and whose connection was lost and is back', async (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] });
    const { hub, view, meeting } = setUp();
    hub.respond('joinRoom', () => joined('alice'));
    await meeting.start();
    hub.emit('userJoined', roomUser('carol', 'Carol'));
    // A reload: back within a moment, which nobody is told about.
    hub.emit('userConnectionChanged', { userId: 'carol', connected: false });
    context.mock.timers.tick(lostNoticeDelayMs - 1);
    hub.emit('userJoined', roomUser('carol', 'Carol'));
    hub.emit('userConnectionChanged', { userId: 'carol', connected: true });
    assert.deepEqual(view.infos, ['Carol joined']);
    assert.ok(!view.log.some((line) => line.startsWith('connection:')));
    // A loss that lasts: told, and then that she is back (within the reconnect grace: no new arrival).
    hub.emit('userConnectionChanged', { userId: 'carol', connected: false });
    context.mock.timers.tick(lostNoticeDelayMs);
    hub.emit('userJoined', roomUser('carol', 'Carol'));
    hub.emit('userConnectionChanged', { userId: 'carol', connected: true });
    hub.emit('userLeft', { userId: 'carol', reason: 'removed' });
    hub.emit('userLeft', { userId: 'bob', reason: 'disconnected' });
    assert.deepEqual(view.infos, ['Carol joined', 'Carol lost connection', 'Carol is back', 'Carol was removed by a host', 'Bob left (connection lost)']);
    assert.ok(view.log.includes('connection:carol:false') && view.log.includes('connection:carol:true'));
  });
});
