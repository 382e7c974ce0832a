// Bundles the client into the server's wwwroot: index.html, app.js and app.css (minified, with sourcemaps).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.env.PARLEY_WWWROOT ?? resolve(webDir, '../src/Parley.Server/wwwroot'));

await mkdir(outDir, { recursive: true });
await build({
  absWorkingDir: webDir,
  entryPoints: { app: 'src/main.ts' },
  outdir: outDir,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15', 'edge100'],
  // mediasoup-client's `debug` dependency reads process.env only under Node; the browser build must not.
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  logLevel: 'warning',
});
await build({
  absWorkingDir: webDir,
  entryPoints: { app: 'src/app.css' },
  outdir: outDir,
  bundle: true,
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
// index.html names the bundles with a content hash so a browser never runs an old app.js after an upgrade.
const version = async (name) => createHash('sha256').update(await readFile(resolve(outDir, name))).digest('hex').slice(0, 12);
const html = (await readFile(resolve(webDir, 'src/index.html'), 'utf8'))
  .replace('/app.js"', `/app.js?v=${await version('app.js')}"`)
  .replace('/app.css"', `/app.css?v=${await version('app.css')}"`);
await writeFile(resolve(outDir, 'index.html'), html);
console.log(`Parley web client built into ${outDir}`);
