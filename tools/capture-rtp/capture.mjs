// Captures Chromium's mediasoup-client rtpCapabilities and producer rtpParameters as ORTC test
// data. See README.md. Usage: node capture.mjs [test data directory]
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { testDataDir, withCapturePage } from './browser.mjs';

const routerRtpCapabilities = JSON.parse(await readFile(path.join(testDataDir, 'routerRtpCapabilities.json'), 'utf8'));

await withCapturePage(async (page, browserVersion) => {
  const result = await page.evaluate((caps) => window.captureRtp(caps), routerRtpCapabilities);

  const write = (name, value) => writeFile(path.join(testDataDir, name), JSON.stringify(value, null, 2) + '\n');
  await write('chromium-device-rtpCapabilities.json', result.deviceRtpCapabilities);
  await write('chromium-produce-audio-opus.json', result.produced.audioOpus);
  await write('chromium-produce-video-vp8-simulcast.json', result.produced.vp8Simulcast);
  await write('chromium-produce-video-vp9-svc.json', result.produced.vp9Svc);
  await write('chromium-produce-video-h264.json', result.produced.h264);
  await write('capture-info.json', {
    browserVersion,
    userAgent: result.userAgent,
    mediasoupClientVersion: result.mediasoupClientVersion,
    handlerName: result.handlerName,
  });
  console.log(`captured with ${browserVersion}, mediasoup-client ${result.mediasoupClientVersion} (${result.handlerName}) into ${testDataDir}`);
});
