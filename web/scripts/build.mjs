// Bundles the client into the server's wwwroot: index.html, app.js and app.css (minified, with sourcemaps).
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
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
await copyFile(resolve(webDir, 'src/index.html'), resolve(outDir, 'index.html'));
console.log(`Parley web client built into ${outDir}`);
