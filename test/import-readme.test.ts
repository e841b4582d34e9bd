import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { curlForm } from './support/hb';
import { http } from './support/http';
import { basic, startTestServer, TestClock, tempDatabase, type TestServer } from './support/testServer';

// Runs the README's "Moving from the Flask originals" examples as pasted (each ```sh block, with
// the ```text block after it as its expected output; "…" stands for any text), each in a temporary
// folder against a new database on the suite's engine, then logs in as the imported users.

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(
  readme.indexOf('## Moving from the Flask originals'),
  readme.indexOf('\n## ', readme.indexOf('## Moving from the Flask originals') + 3),
);
const examples = [...section.matchAll(/```sh\n((?:(?!```)[\s\S])*)```\s*\n```text\n((?:(?!```)[\s\S])*)```/g)].map((m) => ({
  script: m[1]!,
  expected: m[2]!.trimEnd().split('\n'),
}));
const SQLITE_TARGET = 'DATABASE_URL="sqlite:$dir/hangar.sqlite"';

const temp = mkdtempSync(join(tmpdir(), 'hangar-readme-import-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const lineMatcher = (line: string) =>
  new RegExp(
    `^${line
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

async function runExample(script: string): Promise<{ stdout: string; server: TestServer; close: () => Promise<void> }> {
  const db = await tempDatabase();
  expect(script).toContain(SQLITE_TARGET);
  const { stdout } = await promisify(execFile)('bash', ['-eo', 'pipefail', '-c', script.replaceAll(SQLITE_TARGET, `DATABASE_URL="${db.url}"`)], {
    env: { ...process.env, TMPDIR: temp },
    timeout: 60_000,
  });
  const server = await startTestServer({ databaseUrl: db.url, clock: new TestClock(Date.now()), env: { SEED_DEMO: '0' } });
  return { stdout, server, close: async () => (await server.close(), await db.cleanup()) };
}

describe('README: Moving from the Flask originals', () => {
  it('has one example per kind', () => {
    expect(examples.map((e) => /hangar import (\w+)/.exec(e.script)?.[1])).toEqual(['ra', 'hb', 'tx']);
  });

  it('ra: the import prints its report, and miguel and susan log in with their passwords', async () => {
    const { stdout, server, close } = await runExample(examples[0]!.script);
    try {
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(examples[0]!.expected.length);
      examples[0]!.expected.forEach((line, i) => expect(lines[i]).toMatch(lineMatcher(line)));
      expect((await http(server, 'GET', '/api/token', { headers: { Authorization: basic('miguel', 'python') } })).status).toBe(200);
      expect((await http(server, 'GET', '/api/resource', { headers: { Authorization: basic('susan', 'go') } })).json).toEqual({ data: 'Hello, susan!' });
    } finally {
      await close();
    }
  }, 120_000);

  it('hb: bob logs in, and his imported session is still logged in', async () => {
    const { stdout, server, close } = await runExample(examples[1]!.script);
    try {
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(examples[1]!.expected.length);
      examples[1]!.expected.forEach((line, i) => expect(lines[i]).toMatch(lineMatcher(line)));
      const me = await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id=5535d4d7-3d77-4d06-8281-495dc3acfe76' } });
      expect(me.json).toMatchObject({ id: '3f2c3c9e-2b7e-4c55-9a7e-6a4c1d9b8e21', email: 'bob@hbtn.io', first_name: 'Bob', created_at: '2024-03-01 09:30:00' });
      expect((await http(server, 'POST', '/api/v1/auth_session/login', curlForm('email=bob@hbtn.io', 'password=H0lbertonSchool98!'))).status).toBe(200);
    } finally {
      await close();
    }
  }, 120_000);

  it('tx: the dry run, then the import; user logs in and the ship is there', async () => {
    const { stdout, server, close } = await runExample(examples[2]!.script);
    try {
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(examples[2]!.expected.length);
      examples[2]!.expected.forEach((line, i) => expect(lines[i]).toMatch(lineMatcher(line)));
      expect((await http(server, 'POST', '/auth/login', { json: { username: 'user', password: 'password' } })).status).toBe(200);
      expect((await http(server, 'GET', '/api/ships/1')).json).toMatchObject({ id: 1, roles: ['Space Superiority Starfighter', 'Escort'] });
    } finally {
      await close();
    }
  }, 120_000);
});
