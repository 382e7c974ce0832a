// Runs in headless Chromium: the real mediasoup-client against Parley's router. Signaling goes to the test through
// window.parleySignal(method, json) (a Playwright-exposed function returning JSON).
import { Device } from 'mediasoup-client';

const state = { device: null, send: null, recv: null, consumers: new Map(), producers: new Map() };

async function signal(method, data) {
  const reply = await window.parleySignal(method, JSON.stringify(data));
  return reply ? JSON.parse(reply) : null;
}

function wire(transport) {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    signal('connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
  });
  transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
    signal('produce', { transportId: transport.id, kind, rtpParameters }).then(callback, errback);
  });
  return transport;
}

window.parleyLoad = async (routerRtpCapabilities) => {
  state.device = new Device();
  await state.device.load({ routerRtpCapabilities });
  return state.device.rtpCapabilities;
};

window.parleyCreateTransport = (direction, info) => {
  if (direction === 'send') {
    state.send = wire(state.device.createSendTransport(info));
  } else {
    state.recv = wire(state.device.createRecvTransport(info));
  }
};

window.parleyProduce = async (simulcast) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360, frameRate: 30 } });
  const vp8 = state.device.rtpCapabilities.codecs.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
  const audio = await state.send.produce({ track: stream.getAudioTracks()[0] });
  const encodings = simulcast
    ? [{ scaleResolutionDownBy: 4, maxBitrate: 150000 }, { scaleResolutionDownBy: 2, maxBitrate: 500000 }, { scaleResolutionDownBy: 1, maxBitrate: 1200000 }]
    : undefined;
  const video = await state.send.produce({ track: stream.getVideoTracks()[0], codec: vp8, encodings });
  state.producers.set(audio.id, audio);
  state.producers.set(video.id, video);
  return { audio: audio.id, video: video.id };
};

// A camera of one scalable encoding (SVC): codec by MIME type, e.g. video/VP9 with 'L3T3_KEY' or video/AV1 with 'L3T3'.
window.parleyProduceSvc = async (mimeType, scalabilityMode) => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 960, height: 540, frameRate: 15 } });
  const codec = state.device.rtpCapabilities.codecs.find((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase()
    && (mimeType.toLowerCase() !== 'video/vp9' || (c.parameters?.['profile-id'] ?? 0) === 0));
  const video = await state.send.produce({ track: stream.getVideoTracks()[0], codec, encodings: [{ scalabilityMode }] });
  state.producers.set(video.id, video);
  return { video: video.id };
};

// One consumer's inbound-rtp video stats: frames decoded and the decoded width.
window.parleyConsumerStats = async (id) => {
  const result = { framesDecoded: 0, frameWidth: 0 };
  (await state.consumers.get(id).getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp') {
      result.framesDecoded = s.framesDecoded ?? 0;
      result.frameWidth = s.frameWidth ?? 0;
    }
  });
  return result;
};

window.parleyConsume = async (options) => {
  const consumer = await state.recv.consume(options);
  state.consumers.set(consumer.id, consumer);
  const element = document.createElement(consumer.kind);
  element.muted = true;
  element.autoplay = true;
  element.srcObject = new MediaStream([consumer.track]);
  document.body.appendChild(element);
  element.play().catch(() => {});
  return { id: consumer.id, localId: consumer.localId ?? null };
};

window.parleyCloseConsumer = (id) => {
  const consumer = state.consumers.get(id);
  consumer.close();
  return { closed: consumer.closed, trackState: consumer.track.readyState };
};

window.parleyRestartIce = async (direction, iceParameters) => {
  const transport = direction === 'send' ? state.send : state.recv;
  await transport.restartIce({ iceParameters });
};

window.parleyConnectionState = (direction) => (direction === 'send' ? state.send : state.recv).connectionState;

// Sums the inbound-rtp stats of every open consumer, by kind.
window.parleyStats = async () => {
  const totals = { framesDecoded: 0, videoPacketsReceived: 0, audioPacketsReceived: 0, totalSamplesReceived: 0 };
  for (const consumer of state.consumers.values()) {
    if (consumer.closed) continue;
    const report = await consumer.getStats();
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        totals.framesDecoded += s.framesDecoded ?? 0;
        totals.videoPacketsReceived += s.packetsReceived ?? 0;
      } else {
        totals.audioPacketsReceived += s.packetsReceived ?? 0;
        totals.totalSamplesReceived += s.totalSamplesReceived ?? 0;
      }
    });
  }
  return totals;
};

// The transport's ICE candidate pairs (Chromium's getStats): after an ICE restart a new pair must succeed.
window.parleyIcePairs = async (direction) => {
  const transport = direction === 'send' ? state.send : state.recv;
  const pairs = [];
  (await transport.getStats()).forEach((s) => {
    if (s.type === 'candidate-pair') {
      pairs.push({ id: s.id, state: s.state, responsesReceived: s.responsesReceived ?? 0, remoteCandidateId: s.remoteCandidateId });
    }
  });
  return pairs;
};

// Chromium's send-side bandwidth estimate for the send transport (it rises only with transport-cc feedback).
window.parleyOutgoingBitrate = async () => {
  let best = 0;
  (await state.send.getStats()).forEach((s) => {
    if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate) best = Math.max(best, s.availableOutgoingBitrate);
  });
  return best;
};
