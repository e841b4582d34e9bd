import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer';

// Runs every README shell example that is followed by its expected JSON, against a fresh server.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/```sh\n((?:(?!```)[\s\S])*)```\s*\n```json\n((?:(?!```)[\s\S])*)```/g)].map((m) => ({
  script: m[1]!,
  expected: m[2]!.trim(),
}));

const WILDCARD = '…';

/** Deep equality where the string "…" in the expectation stands for any string. */
function matches(actual: unknown, expected: unknown): boolean {
  if (expected === WILDCARD) return typeof actual === 'string';
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(actual[i], e));
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(actual).length && keys.every((k) => matches((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]))
    );
  }
  return actual === expected;
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('README examples', () => {
  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples.map((e, i) => [i + 1, e.script.split('\n')[0]!.slice(0, 70), e] as const))('example %i: %s', async (_n, _title, example) => {
    const script = example.script.replaceAll('http://localhost:5000', server.url);
    const { stdout } = await promisify(execFile)('bash', ['-eo', 'pipefail', '-c', script], { timeout: 20_000 });
    const actual = JSON.parse(stdout);
    const expected = JSON.parse(example.expected);
    if (!matches(actual, expected)) expect(actual).toEqual(expected);
  });
});
