// Captures Chromium's mediasoup-client rtpCapabilities and producer rtpParameters as ORTC test
// data. See README.md. Usage: node capture.mjs [output directory]
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(here, '../../tests/Parley.Media.Tests/Ortc/TestData'));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const routerRtpCapabilities = JSON.parse(await readFile(path.join(outDir, 'routerRtpCapabilities.json'), 'utf8'));

const bundle = await build({
  entryPoints: [path.join(here, 'page.js')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  write: false,
  logLevel: 'warning',
});
const script = bundle.outputFiles[0].text;

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--no-sandbox',
    '--headless',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--disable-background-networking',
    '--allow-loopback-in-peer-connection',
  ],
});

try {
  const page = await browser.newPage();
  page.on('console', (msg) => console.log(`[page] ${msg.text()}`));
  // Served from an intercepted localhost URL: a secure context (for getUserMedia) without a server.
  await page.route('http://localhost/**', (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/page.js') {
      return route.fulfill({ contentType: 'text/javascript', body: script });
    }
    return route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><meta charset="utf-8"><title>capture-rtp</title><script src="/page.js"></script>',
    });
  });
  await page.goto('http://localhost/index.html');
  const result = await page.evaluate((caps) => window.captureRtp(caps), routerRtpCapabilities);

  const write = (name, value) => writeFile(path.join(outDir, name), JSON.stringify(value, null, 2) + '\n');
  await write('chromium-device-rtpCapabilities.json', result.deviceRtpCapabilities);
  await write('chromium-produce-audio-opus.json', result.produced.audioOpus);
  await write('chromium-produce-video-vp8-simulcast.json', result.produced.vp8Simulcast);
  await write('chromium-produce-video-vp9-svc.json', result.produced.vp9Svc);
  await write('chromium-produce-video-h264.json', result.produced.h264);
  await write('capture-info.json', {
    browserVersion: browser.version(),
    userAgent: result.userAgent,
    mediasoupClientVersion: result.mediasoupClientVersion,
    handlerName: result.handlerName,
  });
  console.log(`captured with ${browser.version()}, mediasoup-client ${result.mediasoupClientVersion} (${result.handlerName}) into ${outDir}`);
} finally {
  await browser.close();
}
