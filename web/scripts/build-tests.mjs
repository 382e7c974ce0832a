// Compiles the TypeScript tests (and the pure modules they import) for `node --test`.
import { build } from 'esbuild';
import { readdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(webDir, 'test-dist');
const tests = (await readdir(resolve(webDir, 'test'))).filter((name) => name.endsWith('.test.ts'));

await rm(outDir, { recursive: true, force: true });
await build({
  absWorkingDir: webDir,
  entryPoints: tests.map((name) => `test/${name}`),
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
