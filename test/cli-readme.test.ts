import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, tempDatabase, type TestDatabase } from './support/database';

// Runs the README's Admin CLI examples, in order, as pasted in a clone: each ```sh block in that
// section, whose stdout must match the ```text block after it ("…" stands for any text within a
// line, and a line of just "…" for any number of lines). DATABASE_URL is a new database, as on a
// fresh clone.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('### Admin CLI');
const end = readme.slice(start + 1).search(/\n##+ /);
const section = readme.slice(start, end < 0 ? undefined : start + 1 + end);
const examples = [...section.matchAll(/```sh\n((?:(?!```)[\s\S])*)```\s*\n```text\n((?:(?!```)[\s\S])*)```/g)].map((m) => ({
  script: m[1]!,
  expected: m[2]!,
}));
const root = fileURLToPath(new URL('..', import.meta.url));

function pattern(expected: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lines = expected.split('\n').map((line) => (line === '…' ? '(?:[^\\n]*\\n)*?' : `${line.split('…').map(escape).join('[^\\n]*?')}\\n`));
  return new RegExp(`^${lines.slice(0, -1).join('')}$`);
}

let db: TestDatabase;
beforeAll(async () => {
  db = await tempDatabase();
});
afterAll(() => db?.cleanup());

describe(`README Admin CLI examples (${ENGINE})`, { timeout: 180_000 }, () => {
  it('has the examples', () => {
    expect(start).toBeGreaterThan(0);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(section).not.toMatch(/```sh\n(?:(?!```)[\s\S])*```\s*\n```json/);
  });

  // In order: each example uses what the ones before it did.
  it.each(examples.map((e, i) => [i + 1, e.script.split('\n')[0]!.slice(0, 70), e] as const))('example %i: %s', async (_n, _title, example) => {
    const { stdout } = await promisify(execFile)('bash', ['-eo', 'pipefail', '-c', example.script], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url },
      timeout: 120_000,
    });
    expect(stdout).toMatch(pattern(example.expected));
  });
});
