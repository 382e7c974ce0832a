import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { MediaSession, sourceOf, type MediaListener, type RemoteTrack } from '../src/media';
import { testFakeParameters } from 'mediasoup-client';
import { FakeHub, fakeDevice, routerRtpCapabilities, settle } from './fakes';

class Listener implements MediaListener {
  readonly added: RemoteTrack[] = [];
  readonly removed: RemoteTrack[] = [];
  readonly paused: string[] = [];
  remoteTrackAdded(track: RemoteTrack): void { this.added.push(track); }
  remoteTrackRemoved(track: RemoteTrack): void { this.removed.push(track); }
  remoteTrackPaused(track: RemoteTrack, paused: boolean): void { this.paused.push(`${track.producerId}:${paused}`); }
  localTrackEnded(): void {}
  transportProblem(): void {}
  mediaConnection(): void {}
}

async function openSession(): Promise<{ hub: FakeHub; session: MediaSession; listener: Listener }> {
  const hub = new FakeHub();
  await hub.start();
  const listener = new Listener();
  const session = await MediaSession.open(hub, routerRtpCapabilities(), 'me', listener, fakeDevice);
  return { hub, session, listener };
}

describe('media session', () => {
  it('creates one send and one receive transport', async () => {
    const { hub, session } = await openSession();
    assert.deepEqual(hub.callsOf('createWebRtcTransport'), [
      { producing: true, consuming: false },
      { producing: false, consuming: true },
    ]);
    assert.ok(session.device.loaded);
    assert.equal(session.sendTransport?.direction, 'send');
    assert.equal(session.recvTransport.direction, 'recv');
  });

  it('sends the camera as 3 VP8 simulcast layers tagged with its source', async () => {
    const { hub, session } = await openSession();
    const producer = await session.produce('cam', new FakeMediaStreamTrack({ kind: 'video' }));
    const [connect] = hub.callsOf('connectTransport');
    assert.equal(connect?.transportId, session.sendTransport?.id);
    assert.ok((connect?.dtlsParameters.fingerprints.length ?? 0) > 0);
    const [produce] = hub.callsOf('produce');
    assert.equal(produce?.transportId, session.sendTransport?.id);
    assert.equal(produce?.kind, 'video');
    assert.deepEqual(produce?.appData, { source: 'cam' });
    assert.equal(produce?.rtpParameters.codecs[0]?.mimeType, 'video/VP8');
    assert.deepEqual(produce?.rtpParameters.encodings?.map((e) => e.scaleResolutionDownBy), [4, 2, 1]);
    assert.deepEqual(produce?.rtpParameters.encodings?.map((e) => e.maxBitrate), [150_000, 500_000, 1_200_000]);
    assert.equal(session.producers.get('cam'), producer);
  });

  it('sends the camera as one layer when the server refuses simulcast', async () => {
    const { hub, session } = await openSession();
    let attempts = 0;
    hub.respond('produce', (request) => {
      attempts++;
      if ((request.rtpParameters.encodings?.length ?? 0) > 1) throw new Error('simulcast is not supported');
      return { id: 'p-single' };
    });
    const producer = await session.produce('cam', new FakeMediaStreamTrack({ kind: 'video' }));
    assert.equal(attempts, 2);
    assert.equal(producer.id, 'p-single');
    assert.equal(hub.callsOf('produce')[1]?.rtpParameters.encodings?.length, 1);
    assert.equal(session.producers.get('cam'), producer);
  });

  it('does not retry a refused single-layer producer', async () => {
    const { hub, session } = await openSession();
    hub.respond('produce', () => {
      throw new Error('produce: there is already a mic producer; close it first');
    });
    await assert.rejects(session.produce('mic', new FakeMediaStreamTrack({ kind: 'audio' })), /already a mic producer/);
    assert.equal(hub.callsOf('produce').length, 1);
    assert.equal(session.producers.has('mic'), false);
  });

  it('sends the microphone as one Opus stream and pauses it on the server too', async () => {
    const { hub, session } = await openSession();
    const producer = await session.produce('mic', new FakeMediaStreamTrack({ kind: 'audio' }));
    const [produce] = hub.callsOf('produce');
    assert.deepEqual(produce?.appData, { source: 'mic' });
    assert.equal(produce?.rtpParameters.codecs[0]?.mimeType, 'audio/opus');
    assert.equal(produce?.rtpParameters.encodings?.length, 1);
    await session.pauseProducer('mic');
    assert.equal(producer.paused, true);
    assert.deepEqual(hub.callsOf('pauseProducer'), [{ producerId: producer.id }]);
    await session.pauseProducer('mic');
    assert.equal(hub.callsOf('pauseProducer').length, 1, 'pausing twice asks the server once');
    await session.resumeProducer('mic');
    assert.equal(producer.paused, false);
    assert.deepEqual(hub.callsOf('resumeProducer'), [{ producerId: producer.id }]);
  });

  it('closing a producer keeps the local track running', async () => {
    const { hub, session } = await openSession();
    const track = new FakeMediaStreamTrack({ kind: 'video' });
    const producer = await session.produce('screen', track);
    await session.closeProducer('screen');
    assert.equal(producer.closed, true);
    assert.deepEqual(hub.callsOf('closeProducer'), [{ producerId: producer.id }]);
    assert.equal(track.readyState, 'live');
    assert.equal(session.producers.has('screen'), false);
  });

  it('consumes a remote producer: server consumer, local consumer, then resume', async () => {
    const { hub, session, listener } = await openSession();
    await session.consume({ producerId: 'p-bob-cam', userId: 'bob', kind: 'video', appData: { source: 'cam' }, paused: false });
    const [consume] = hub.callsOf('consume');
    assert.equal(consume?.transportId, session.recvTransport.id);
    assert.equal(consume?.producerId, 'p-bob-cam');
    assert.ok((consume?.rtpCapabilities.codecs?.length ?? 0) > 0);
    assert.equal(listener.added.length, 1);
    const remote = listener.added[0];
    assert.equal(remote?.userId, 'bob');
    assert.equal(remote?.source, 'cam');
    assert.equal(remote?.kind, 'video');
    assert.deepEqual(hub.callsOf('resumeConsumer'), [{ consumerId: remote?.consumer.id }]);
    assert.equal(session.consumers.size, 1);
  });

  it('never consumes its own producers or the same producer twice', async () => {
    const { hub, session } = await openSession();
    const info = { producerId: 'p1', userId: 'bob', kind: 'video' as const, appData: { source: 'cam' }, paused: false };
    await Promise.all([session.consume(info), session.consume(info)]);
    await session.consume(info);
    await session.consume({ ...info, producerId: 'p-mine', userId: 'me' });
    assert.equal(hub.callsOf('consume').length, 1);
  });

  it('reports a paused producer and closes consumers when their producer or user goes', async () => {
    const { session, listener } = await openSession();
    await session.consume({ producerId: 'p1', userId: 'bob', kind: 'video', appData: { source: 'cam' }, paused: true });
    await session.consume({ producerId: 'p2', userId: 'bob', kind: 'video', appData: { source: 'screen' }, paused: false });
    await session.consume({ producerId: 'p3', userId: 'carol', kind: 'video', appData: { source: 'cam' }, paused: false });
    assert.deepEqual(listener.paused, ['p1:true']);
    session.setProducerPaused('p1', false);
    assert.deepEqual(listener.paused, ['p1:true', 'p1:false']);
    session.removeConsumersOfProducer('p1');
    assert.deepEqual(listener.removed.map((r) => r.producerId), ['p1']);
    assert.equal(listener.removed[0]?.consumer.closed, true);
    session.removeConsumersOfUser('bob');
    assert.deepEqual(listener.removed.map((r) => r.producerId), ['p1', 'p2']);
    assert.deepEqual([...session.consumers.values()].map((r) => r.producerId), ['p3']);
  });

  it('asks for a simulcast layer only when it changes', async () => {
    const { hub, session, listener } = await openSession();
    await session.consume({ producerId: 'p1', userId: 'bob', kind: 'video', appData: { source: 'cam' }, paused: false });
    const consumerId = listener.added[0]?.consumer.id ?? '';
    session.preferSpatialLayer(consumerId, 1);
    session.preferSpatialLayer(consumerId, 1);
    session.preferSpatialLayer(consumerId, 0);
    session.preferSpatialLayer('unknown', 2);
    await settle();
    assert.deepEqual(hub.callsOf('setConsumerPreferredLayers'), [
      { consumerId, spatialLayer: 1 },
      { consumerId, spatialLayer: 0 },
    ]);
  });

  it('asks only about live simulcast consumers and forgets one the server no longer has', async () => {
    const { hub, session, listener } = await openSession();
    hub.respond('consume', (request) => {
      const remote = testFakeParameters.generateConsumerRemoteParameters({ codecMimeType: 'video/VP8' });
      const type = request.producerId === 'p-simple' ? 'simple' : 'simulcast';
      return { id: `c-${request.producerId}`, producerId: request.producerId, kind: remote.kind, rtpParameters: remote.rtpParameters, type, producerPaused: false, appData: {} };
    });
    for (const producerId of ['p-simple', 'p-gone', 'p-closed', 'p-live']) {
      await session.consume({ producerId, userId: 'bob', kind: 'video', appData: { source: 'cam' }, paused: false });
    }
    hub.respond('setConsumerPreferredLayers', ({ consumerId }) => {
      if (consumerId === 'c-p-gone') {
        throw new Error("An unexpected error occurred invoking 'SetConsumerPreferredLayers' on the server. HubException: Consumer not found");
      }
      return {};
    });
    session.consumers.get('c-p-closed')?.consumer.close();

    for (const layer of [1, 0]) {
      for (const consumerId of ['c-p-simple', 'c-p-gone', 'c-p-closed', 'c-p-live']) session.preferSpatialLayer(consumerId, layer);
      await settle();
    }

    assert.deepEqual(hub.callsOf('setConsumerPreferredLayers'), [
      { consumerId: 'c-p-gone', spatialLayer: 1 },
      { consumerId: 'c-p-live', spatialLayer: 1 },
      { consumerId: 'c-p-live', spatialLayer: 0 },
    ]);
    assert.equal(session.consumers.has('c-p-gone'), false);
    assert.deepEqual(listener.removed.map((r) => r.producerId), ['p-gone']);
  });

  it('keeps the layers the server reports for live consumers only', async () => {
    const { session, listener } = await openSession();
    await session.consume({ producerId: 'p1', userId: 'bob', kind: 'video', appData: { source: 'cam' }, paused: false });
    const consumerId = listener.added[0]?.consumer.id ?? '';
    session.setConsumerLayers(consumerId, { spatialLayer: 2, temporalLayer: 2 });
    session.setConsumerLayers('unknown', { spatialLayer: 1, temporalLayer: 0 });
    assert.deepEqual([...session.consumerLayers], [[consumerId, { spatialLayer: 2, temporalLayer: 2 }]]);
    session.setConsumerLayers(consumerId, { spatialLayer: null, temporalLayer: null });
    assert.deepEqual(session.consumerLayers.get(consumerId), { spatialLayer: null, temporalLayer: null });
    session.removeConsumer(consumerId);
    assert.equal(session.consumerLayers.size, 0);
  });

  it('keeps the server scores of live consumers only', async () => {
    const { session, listener } = await openSession();
    await session.consume({ producerId: 'p1', userId: 'bob', kind: 'audio', appData: { source: 'mic' }, paused: false });
    const consumerId = listener.added[0]?.consumer.id ?? '';
    session.setConsumerScore(consumerId, { score: 7, producerScore: 10 });
    session.setConsumerScore('unknown', { score: 1, producerScore: 1 });
    assert.deepEqual([...session.consumerScores], [[consumerId, { score: 7, producerScore: 10 }]]);
    session.removeConsumer(consumerId);
    assert.equal(session.consumerScores.size, 0);
  });

  it('stops and restarts encoding the simulcast layers nobody wants, matched by RID', async () => {
    const { session } = await openSession();
    const producer = await session.produce('cam', new FakeMediaStreamTrack({ kind: 'video' }));
    let encodings: RTCRtpEncodingParameters[] = [{ rid: 'r0', active: true }, { rid: 'r1', active: true }, { rid: 'r2', active: true }];
    const applied: boolean[][] = [];
    const sender = {
      getParameters: () => ({ encodings: encodings.map((e) => ({ ...e })) }),
      setParameters: async (parameters: { encodings: RTCRtpEncodingParameters[] }) => {
        encodings = parameters.encodings;
        applied.push(encodings.map((e) => e.active ?? true));
      },
    };
    Object.defineProperty(producer, 'rtpSender', { value: sender });

    assert.equal(await session.applyLayersWanted(producer.id, [{ rid: 'r2', active: false }, { rid: 'r0', active: true }, { rid: 'r1', active: true }]), true);
    assert.equal(await session.applyLayersWanted(producer.id, [{ rid: 'r0', active: true }, { rid: 'r1', active: true }, { rid: 'r2', active: false }]), false);
    assert.equal(await session.applyLayersWanted('another', [{ rid: 'r0', active: false }]), false);
    // Without RIDs the server's list goes by position.
    assert.equal(await session.applyLayersWanted(producer.id, [{ ssrc: 1, active: true }, { ssrc: 2, active: false }, { ssrc: 3, active: false }]), true);
    assert.equal(await session.applyLayersWanted(producer.id, [{ rid: 'r2', active: true }, { rid: 'r1', active: true }]), true);
    assert.deepEqual(applied, [[true, true, false], [true, false, false], [true, true, true]]);
  });

  it('close ends transports, producers and consumers but not local tracks', async () => {
    const { session, listener } = await openSession();
    const track = new FakeMediaStreamTrack({ kind: 'audio' });
    const producer = await session.produce('mic', track);
    await session.consume({ producerId: 'p1', userId: 'bob', kind: 'video', appData: { source: 'cam' }, paused: false });
    session.close();
    assert.equal(session.isClosed, true);
    assert.equal(session.sendTransport?.closed, true);
    assert.equal(session.recvTransport.closed, true);
    assert.equal(producer.closed, true);
    assert.equal(listener.removed.length, 1);
    assert.equal(track.readyState, 'live');
  });

  it('reads the source from appData, defaulting by kind', () => {
    assert.equal(sourceOf({ source: 'screenAudio' }, 'audio'), 'screenAudio');
    assert.equal(sourceOf({ source: 'bogus' }, 'video'), 'cam');
    assert.equal(sourceOf(undefined, 'audio'), 'mic');
  });
});
