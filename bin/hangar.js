#!/usr/bin/env node
// The `hangar` admin CLI (npx hangar, npm run hangar --). Runs the compiled dist/cli/hangar.js when
// dist/ is a build of the sources as they are now (`npm start` and `npm run build` make it), and
// src/cli/hangar.ts through tsx otherwise, so it never runs code older than src/. Either way it runs
// in this process, so the terminal stays attached for password prompts.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { upToDate } from '../scripts/build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let entry;
if (upToDate(join(root, 'dist'))) {
  entry = await import('../dist/cli/hangar.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = await import('../src/cli/hangar.ts');
}
await entry.main();
