// Runs inside Chromium: loads mediasoup-client with the router's capabilities, then produces
// each track kind over a send transport whose signaling is answered locally, recording what the
// browser would send to the server.
import { Device, version as mediasoupClientVersion } from 'mediasoup-client';

function randomFingerprint() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

function findCodec(device, mimeType, predicate = () => true) {
  const codec = device.rtpCapabilities.codecs.find(
    (c) => c.mimeType.toLowerCase() === mimeType.toLowerCase() && predicate(c.parameters ?? {}));
  if (!codec) {
    throw new Error(`the device has no ${mimeType} codec`);
  }
  return codec;
}

const fakeTransportOptions = (id) => ({
  id,
  iceParameters: {
    usernameFragment: 'captureufrag0000',
    password: 'capturepassword0000000000000000',
    iceLite: true,
  },
  iceCandidates: [{
    foundation: 'udpcandidate',
    priority: 1076302079,
    address: '127.0.0.1',
    ip: '127.0.0.1',
    port: 40000,
    protocol: 'udp',
    type: 'host',
  }],
  dtlsParameters: {
    role: 'auto',
    fingerprints: [{ algorithm: 'sha-256', value: randomFingerprint() }],
  },
});

// Consumes each { file, kind, rtpParameters } over a receive transport and reports what Chromium made of it.
window.verifyConsume = async (routerRtpCapabilities, consumers) => {
  const device = new Device();
  await device.load({ routerRtpCapabilities });
  const recvTransport = device.createRecvTransport(fakeTransportOptions('verify-recv-transport'));
  recvTransport.on('connect', (_params, callback) => callback());

  const results = [];
  for (const { file, kind, rtpParameters } of consumers) {
    try {
      const consumer = await recvTransport.consume({
        id: `fake-consumer-${file}`,
        producerId: `fake-producer-${file}`,
        kind,
        rtpParameters,
      });
      const receiver = consumer.rtpReceiver.getParameters();
      results.push({
        file,
        accepted: true,
        trackKind: consumer.track.kind,
        receiverCodecs: receiver.codecs.map((c) => ({ mimeType: c.mimeType, payloadType: c.payloadType })),
        receiverHeaderExtensions: receiver.headerExtensions.map((e) => ({ uri: e.uri, id: e.id })),
      });
    } catch (error) {
      results.push({ file, accepted: false, error: String(error) });
    }
  }
  return results;
};

window.captureRtp = async (routerRtpCapabilities) => {
  const device = new Device();
  await device.load({ routerRtpCapabilities });

  const sendTransport = device.createSendTransport(fakeTransportOptions('capture-send-transport'));

  const produced = {};
  let label;
  sendTransport.on('connect', (_params, callback) => callback());
  sendTransport.on('produce', ({ rtpParameters }, callback) => {
    produced[label] = rtpParameters;
    callback({ id: `fake-producer-${label}` });
  });

  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: 1280, height: 720, frameRate: 30 },
  });
  const [audioTrack] = stream.getAudioTracks();
  const [videoTrack] = stream.getVideoTracks();

  label = 'audioOpus';
  await sendTransport.produce({ track: audioTrack, codec: findCodec(device, 'audio/opus') });

  label = 'vp8Simulcast';
  await sendTransport.produce({
    track: videoTrack.clone(),
    codec: findCodec(device, 'video/VP8'),
    encodings: [
      { scaleResolutionDownBy: 4, maxBitrate: 150000, scalabilityMode: 'L1T3' },
      { scaleResolutionDownBy: 2, maxBitrate: 500000, scalabilityMode: 'L1T3' },
      { scaleResolutionDownBy: 1, maxBitrate: 1500000, scalabilityMode: 'L1T3' },
    ],
  });

  label = 'vp9Svc';
  await sendTransport.produce({
    track: videoTrack.clone(),
    codec: findCodec(device, 'video/VP9', (p) => (p['profile-id'] ?? 0) == 0),
    encodings: [{ scalabilityMode: 'L3T3', maxBitrate: 1500000 }],
  });

  label = 'h264';
  await sendTransport.produce({
    track: videoTrack.clone(),
    codec: findCodec(device, 'video/H264',
      (p) => p['packetization-mode'] == 1 && String(p['profile-level-id']).startsWith('42e0')),
  });

  return {
    userAgent: navigator.userAgent,
    mediasoupClientVersion,
    handlerName: device.handlerName,
    deviceRtpCapabilities: device.rtpCapabilities,
    produced,
  };
};
