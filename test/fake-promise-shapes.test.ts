import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What src/graphql/fakePromiseShapes.ts relies on: the objects it holds have the very hidden
// classes (V8 maps) of the fake promises that yoga, envelop and @whatwg-node/server make, so holding
// them keeps those maps alive. Checked in a process of its own with V8's %HaveSameMap.
const script = `
import { createRequire } from 'node:module';
import { holdFakePromiseShapes } from ${JSON.stringify(fileURLToPath(new URL('../src/graphql/fakePromiseShapes.ts', import.meta.url)))};
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)');
const [resolved, , rejected] = holdFakePromiseShapes();
const report = { sameArray: holdFakePromiseShapes() === holdFakePromiseShapes() };
for (const user of ['graphql-yoga', '@envelop/core', '@whatwg-node/server']) {
  const helpers = createRequire(createRequire(import.meta.url).resolve(user))('@whatwg-node/promise-helpers');
  const after = () => [helpers.fakePromise({ user }), helpers.fakeRejectPromise(new Error(user))];
  const [made, failed] = after();
  const before = [sameMap(resolved, made), sameMap(rejected, failed)];
  // Garbage and full collections, as REST traffic between two GraphQL requests would make.
  for (let i = 0; i < 20; i += 1) { Array.from({ length: 100000 }, (_, n) => ({ n })); globalThis.gc(); }
  const [madeLater, failedLater] = after();
  report[user] = [...before, sameMap(resolved, madeLater), sameMap(rejected, failedLater)];
}
console.log(JSON.stringify(report));
`;

describe('fake promise shapes', () => {
  it('holds objects with the maps of the fake promises yoga, envelop and @whatwg-node/server make, before and after full GCs', () => {
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      sameArray: true,
      'graphql-yoga': [true, true, true, true],
      '@envelop/core': [true, true, true, true],
      '@whatwg-node/server': [true, true, true, true],
    });
  });
});
