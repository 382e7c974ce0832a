// Shared by capture.mjs and verify-consume.mjs: bundles page.js with esbuild and runs a function
// against it in headless Chromium with fake media devices.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const testDataDir = path.resolve(
  process.argv[2] ?? path.join(here, '../../tests/Parley.Media.Tests/Ortc/TestData'));

export async function withCapturePage(run) {
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
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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
    return await run(page, browser.version());
  } finally {
    await browser.close();
  }
}
