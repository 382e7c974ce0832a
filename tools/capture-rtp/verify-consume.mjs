// Feeds the consumer rtpParameters our code computed (consumer-*.json, written by the C# tests)
// to mediasoup-client's recvTransport.consume() in Chromium, and records whether Chromium
// accepted each and which codecs its RTCRtpReceiver ended up with. See README.md.
// Usage: node verify-consume.mjs [test data directory]
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { testDataDir, withCapturePage } from './browser.mjs';

const read = async (name) => JSON.parse(await readFile(path.join(testDataDir, name), 'utf8'));
const routerRtpCapabilities = await read('routerRtpCapabilities.json');
const files = (await readdir(testDataDir)).filter((f) => /^consumer-.*\.json$/.test(f)).sort();
const consumers = [];
for (const file of files) {
  consumers.push({ file, ...(await read(file)) });
}

await withCapturePage(async (page, browserVersion) => {
  const results = await page.evaluate(
    ({ caps, list }) => window.verifyConsume(caps, list), { caps: routerRtpCapabilities, list: consumers });
  await writeFile(
    path.join(testDataDir, 'chromium-consume-check.json'),
    JSON.stringify({ browserVersion, results }, null, 2) + '\n');
  for (const r of results) {
    console.log(`${r.file}: ${r.accepted ? 'accepted' : `REFUSED: ${r.error}`}`);
  }
});
