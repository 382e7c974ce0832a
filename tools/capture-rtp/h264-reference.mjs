// Writes h264-profile-level-id-reference.json: what the h264-profile-level-id library (the one
// mediasoup and mediasoup-client use) answers for a grid of profile-level-id values and offer/answer
// pairs, so that the C# H264ProfileLevelId is checked against it. Usage: node h264-reference.mjs [dir]
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as h264 from 'h264-profile-level-id';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(here, '../../tests/Parley.Media.Tests/Ortc/TestData'));

const hex = (n) => n.toString(16).padStart(2, '0');
const profileIdcs = [0x42, 0x4d, 0x58, 0x64, 0xf4, 0x6e, 0x00];
const iops = [0x00, 0x04, 0x08, 0x0c, 0x10, 0x20, 0x30, 0x40, 0x50, 0x80, 0x90, 0xa0, 0xc0, 0xd0, 0xe0, 0xf0, 0x01];
const levels = [0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x14, 0x15, 0x16, 0x17, 0x1e, 0x1f, 0x20, 0x28, 0x29, 0x2a, 0x32, 0x33, 0x34, 0x35, 0xff];

const parse = [];
for (const p of profileIdcs) {
  for (const i of iops) {
    for (const l of levels) {
      const text = hex(p) + hex(i) + hex(l);
      const parsed = h264.parseProfileLevelId(text);
      // [text, profile, level, formatted again]; nulls when the library refuses the text.
      parse.push(parsed
        ? [text, h264.Profile[parsed.profile], h264.Level[parsed.level], h264.profileLevelIdToString(parsed) ?? null]
        : [text, null, null, null]);
    }
  }
}

const valid = parse.filter((p) => p[1] !== null).map((p) => p[0]);
const samples = [undefined, 'zzzzzz', ...valid.filter((_, index) => index % 25 === 0)];
const answer = [];
for (const local of samples) {
  for (const remote of samples) {
    for (const asymmetry of [[false, false], [true, false], [true, true]]) {
      const params = (id, asym) => ({
        ...(id === undefined ? {} : { 'profile-level-id': id }),
        ...(asym ? { 'level-asymmetry-allowed': 1 } : {}),
      });
      // [local, remote, local asymmetry, remote asymmetry, negotiable, answer]
      let ok = true;
      let result = null;
      try {
        result = h264.generateProfileLevelIdStringForAnswer(params(local, asymmetry[0]), params(remote, asymmetry[1])) ?? null;
      } catch {
        ok = false;
      }
      answer.push([local ?? null, remote ?? null, asymmetry[0], asymmetry[1], ok, result]);
    }
  }
}

const library = JSON.parse(await (await import('node:fs/promises')).readFile(path.join(here, 'node_modules/h264-profile-level-id/package.json'), 'utf8'));
await writeFile(
  path.join(outDir, 'h264-profile-level-id-reference.json'),
  JSON.stringify({ library: `h264-profile-level-id ${library.version}`, parse, answer }) + '\n');
console.log(`${parse.length} parse cases (${valid.length} valid), ${answer.length} answer cases`);
