// Runs mediasoup's own ORTC functions (the npm package's pure JavaScript, installed with
// --ignore-scripts so no worker is fetched or built) over the same inputs our C# tests use, and
// writes mediasoup-reference.json for the C# tests to compare against. Usage: node mediasoup-reference.mjs [dir]
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// ortc.js is not among the package's exports; load it by path.
const ortc = require('./node_modules/mediasoup/node/lib/ortc.js');
const mediasoupVersion = JSON.parse(await readFile(path.join(here, 'node_modules/mediasoup/package.json'), 'utf8')).version;

const dir = path.resolve(process.argv[2] ?? path.join(here, '../../tests/Parley.Media.Tests/Ortc/TestData'));
const read = async (name) => JSON.parse(await readFile(path.join(dir, name), 'utf8'));
const clone = (value) => structuredClone(value);

// mediasoup has no RED (versatica/mediasoup#481): it refuses audio/red, so the reference runs without it.
const mediaCodecs = (await read('routerMediaCodecs.json')).filter((codec) => codec.mimeType !== 'audio/red');
const device = await read('chromium-device-rtpCapabilities.json');
const routerRtpCapabilities = ortc.generateRouterRtpCapabilities(clone(mediaCodecs));

const producerFiles = [
  'chromium-produce-audio-opus.json',
  'chromium-produce-video-vp8-simulcast.json',
  'chromium-produce-video-vp9-svc.json',
  'chromium-produce-video-h264.json',
];

const producers = {};
for (const file of producerFiles) {
  const rtpParameters = await read(file);
  const kind = rtpParameters.codecs[0].mimeType.toLowerCase().startsWith('audio/') ? 'audio' : 'video';
  ortc.validateRtpParameters(rtpParameters);
  const mapping = ortc.getProducerRtpParametersMapping(rtpParameters, clone(routerRtpCapabilities));
  const consumable = ortc.getConsumableRtpParameters(kind, rtpParameters, clone(routerRtpCapabilities), mapping);
  const consumer = (options) => ortc.getConsumerRtpParameters({
    consumableRtpParameters: clone(consumable),
    remoteRtpCapabilities: clone(device),
    pipe: false,
    enableRtx: true,
    ...options,
  });
  producers[file] = {
    kind,
    producerAfterMapping: rtpParameters,
    mapping,
    consumable,
    canConsume: ortc.canConsume(clone(consumable), clone(device)),
    consumer: consumer({}),
    consumerWithoutRtx: consumer({ enableRtx: false }),
    pipeConsumer: consumer({ pipe: true }),
    pipeConsumerParameters: ortc.getPipeConsumerRtpParameters({ consumableRtpParameters: clone(consumable), enableRtx: false }),
    pipeConsumerParametersWithRtx: ortc.getPipeConsumerRtpParameters({ consumableRtpParameters: clone(consumable), enableRtx: true }),
  };
}

await writeFile(
  path.join(dir, 'mediasoup-reference.json'),
  JSON.stringify({ mediasoupVersion, routerRtpCapabilities, producers }, null, 2) + '\n');
console.log(`mediasoup ${mediasoupVersion}: reference for ${producerFiles.length} producers written`);
