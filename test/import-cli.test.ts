import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { runImport } from '../src/cli/import';
import { loadConfig } from '../src/config';
import { initORM, type Orm } from '../src/db/orm';
import { importInProcess, sha256Hex, werkzeugPbkdf2, writeHbSessions, writeHbUsers, writeRaStore, writeTxStore } from './support/flaskStores';
import { ENGINE, tempDatabase, type TestDatabase } from './support/database';

// The import command as operators run it: conflicts, dry runs, re-runs, and bad input (one line
// naming the file, the record and the field, a non-zero exit, never a stack trace).

const dirs: string[] = [];
let db: TestDatabase;
let dir: string;

beforeEach(async () => {
  db = await tempDatabase();
  dir = mkdtempSync(join(tmpdir(), 'hangar-import-cli-'));
  dirs.push(dir);
});
afterEach(async () => {
  await db.cleanup();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run import -- …` as a real process (tsx, as the npm script runs it). */
async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], {
      env: { ...process.env, DATABASE_URL: db.url, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function expectOneLineError(run: Run, ...parts: string[]): void {
  expect(run.code, run.stderr).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^import: /);
  for (const part of parts) expect(lines[0]).toContain(part);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

async function withOrm<T>(work: (orm: Orm) => Promise<T>): Promise<T> {
  const orm = await initORM(loadConfig({ DATABASE_URL: db.url }));
  try {
    return await work(orm);
  } finally {
    await orm.close();
  }
}

const counts = () =>
  withOrm(async (orm) => {
    const em = orm.em.fork();
    const one = async (table: string) => Number((await em.execute<{ n: number }[]>(`select count(*) as n from ${table}`))[0]!.n);
    return { users: await one('users'), ships: await one('ships'), sessions: await one('sessions') };
  });

const SHIP = {
  affiliation: 'Rebel Alliance',
  category: 'Starfighters',
  crew: 1,
  length: 13,
  manufacturer: 'Incom Corporation',
  model: 'T-65 X-Wing',
  ship_class: 'Starfighter',
  roles: ['Space Superiority Starfighter', 'Escort'],
};

describe('usage', () => {
  it('refuses missing arguments, unknown kinds and policies with exit 2 and the usage', async () => {
    for (const [args, message] of [
      [[], 'expected a kind and a path'],
      [['xx', 'f'], 'unknown kind "xx"'],
      [['tx', 'f', '--on-conflict', 'merge'], '--on-conflict must be skip or fail'],
      [['tx', 'f', '--frobnicate'], 'unknown option --frobnicate'],
    ] as const) {
      const run = await importInProcess(db.url, [...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('Usage: import <kind> <path>');
    }
  });
});

describe('bad input, as a real process', () => {
  it('a --database that is no database URL', async () => {
    const run = await importInProcess(db.url, ['tx', join(dir, 'data.json'), '--database', 'mysql://somewhere/db']);
    expectOneLineError(run, '--database: ');
  });

  it('an RA file that is not SQLite', async () => {
    const file = join(dir, 'db.sqlite');
    writeFileSync(file, 'this is not a database, just some text long enough to have a header'.repeat(5));
    expectOneLineError(await cli(['ra', file]), file, 'is not a SQLite database');
  });

  it('an RA file that does not exist, or has no users table', async () => {
    expectOneLineError(await cli(['ra', join(dir, 'missing.sqlite')]), 'missing.sqlite', 'ENOENT');
    const file = join(dir, 'other.sqlite');
    await writeRaStore(file, [], 'create table accounts (id integer primary key)');
    expectOneLineError(await cli(['ra', file]), file, 'has no table "users"');
  });

  it('an RA hash of an unknown format names the record and the field', async () => {
    const file = join(dir, 'db.sqlite');
    await writeRaStore(file, [
      { id: 1, username: 'miguel', password_hash: werkzeugPbkdf2('python') },
      { id: 2, username: 'susan', password_hash: 'md5$abc$0123456789abcdef' },
    ]);
    expectOneLineError(await cli(['ra', file]), file, 'users row id 2', 'field "password_hash"', 'unknown hash format');
    expect(await counts()).toMatchObject({ users: 0 });
  });

  it('malformed JSON, and JSON of the wrong shape', async () => {
    const file = join(dir, '.db_User.json');
    writeFileSync(file, '{"a": ');
    expectOneLineError(await cli(['hb', file]), file, 'is not valid JSON');
    writeFileSync(file, '[1, 2]');
    expectOneLineError(await cli(['hb', file]), file, 'must hold one JSON object keyed by record id');
    const data = join(dir, 'data.json');
    writeFileSync(data, '{"users": {"id": 1}}');
    expectOneLineError(await cli(['tx', data]), data, '"users" must be an array');
  });

  it('a bad field names the file, the record and the field', async () => {
    const file = join(dir, '.db_User.json');
    const users = writeHbUsers(file, [{ email: 'a@example.com', password: 'pw' }]);
    const [uuid] = Object.keys(users);
    users[uuid!]!._password = 'not-a-sha256';
    writeFileSync(file, JSON.stringify(users));
    expectOneLineError(await cli(['hb', file]), file, `record "${uuid}"`, 'field "_password"', 'unknown hash format');
    const data = join(dir, 'data.json');
    writeTxStore(data, [{ id: 1, name: 'user', password: 'password' }], [{ ...SHIP, id: 3, crew: 'one' }]);
    expectOneLineError(await cli(['tx', data]), data, 'ships[0] (id 3)', 'field "crew"', 'must be an integer');
    expect(await counts()).toMatchObject({ users: 0, ships: 0 });
  });

  it('an unreachable database is one line too', async () => {
    const data = join(dir, 'data.json');
    writeTxStore(data, [{ id: 1, name: 'user', password: 'password' }]);
    const run = await cli(['tx', data, '--database', 'postgres://nobody@127.0.0.1:1/none'], { DATABASE_STARTUP_TIMEOUT: '0' });
    expectOneLineError(run, '127.0.0.1:1');
  });
});

describe('conflicts', () => {
  async function seedTx(): Promise<void> {
    const first = join(dir, 'first.json');
    writeTxStore(
      first,
      [
        { id: 1, name: 'user', password: 'password' },
        { id: 2, name: 'guest', password: 'guest' },
      ],
      [{ ...SHIP, id: 1 }],
    );
    expect((await importInProcess(db.url, ['tx', first])).code).toBe(0);
  }

  function secondStore(): string {
    const second = join(dir, 'second.json');
    writeTxStore(
      second,
      [
        { id: 2, name: 'someone', password: 'x1234' }, // id taken
        { id: 3, name: 'USER', password: 'x1234' }, // username taken (canonically)
        { id: 4, name: 'fresh', password: 'fresh-pw' },
        { id: 5, name: 'fresh', password: 'other' }, // same name as the record before it
      ],
      [
        { ...SHIP, id: 1, model: 'Changed' },
        { ...SHIP, id: 2 },
      ],
    );
    return second;
  }

  it('fail (the default) reports every conflict line by line and writes nothing', async () => {
    await seedTx();
    const run = await cli(['tx', secondStore()]);
    expect(run.code).toBe(1);
    const conflicts = run.stdout.split('\n').filter((line) => line.startsWith('conflict: '));
    expect(conflicts).toEqual([
      expect.stringMatching(/users\[0\] \(id 2\): id 2 is taken by user "guest" \(stops the import\)$/),
      expect.stringMatching(/users\[1\] \(id 3\): username "USER" is taken by user 1 \("user"\)/),
      expect.stringMatching(/users\[3\] \(id 5\): username "fresh" is taken by users\[2\] \(id 4\) of this file/),
      expect.stringMatching(/ships\[0\] \(id 1\): id 1 is taken by a different ship/),
    ]);
    expect(run.stdout).toContain('import failed: 4 conflict(s), nothing was written');
    expect(await counts()).toMatchObject({ users: 2, ships: 1 });
  });

  it('skip imports the rest and reports what it left out', async () => {
    await seedTx();
    const run = await cli(['tx', secondStore(), '--on-conflict', 'skip', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, users: { imported: 1, present: 0, skipped: 3 }, ships: { imported: 1, skipped: 1 }, passwordsHashed: 1 });
    expect(report.conflicts).toHaveLength(4);
    expect(await counts()).toMatchObject({ users: 3, ships: 2 });
  });

  it('an HB email taken by another user is a conflict; so are its sessions left out', async () => {
    const first = join(dir, 'one', '.db_User.json');
    const second = join(dir, 'two', '.db_User.json');
    mkdirSync(join(dir, 'one'));
    mkdirSync(join(dir, 'two'));
    writeHbUsers(first, [{ email: 'Bob@hbtn.io', password: 'pw' }]);
    expect((await importInProcess(db.url, ['hb', join(dir, 'one')])).code).toBe(0);
    const users = writeHbUsers(second, [
      { email: 'bob@HBTN.io', password: 'pw2' },
      { email: 'carol@hbtn.io', password: 'pw3' },
    ]);
    const [bobId] = Object.keys(users);
    writeHbSessions(join(dir, 'two', '.db_UserSession.json'), [{ userId: bobId!, sessionId: 's1', createdAtMs: Date.now() }]);
    const run = await importInProcess(db.url, ['hb', second, '--on-conflict', 'skip']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/conflict: .*: email "bob@HBTN.io" is taken by user 1 \("Bob@hbtn.io"\) \(skipped\)/);
    expect(run.stdout).toMatch(/skipped: .*\.db_UserSession\.json: record "[^"]+": its user "[^"]+" was not imported/);
    expect(run.stdout).toContain('users: 1 imported, 0 already present, 1 skipped');
    expect(await counts()).toEqual({ users: 2, ships: 0, sessions: 0 });
  });
});

describe('dry run, re-runs and failures', () => {
  function raStore(): Promise<string> {
    const file = join(dir, 'db.sqlite');
    return writeRaStore(file, [
      { id: 1, username: 'miguel', password_hash: werkzeugPbkdf2('python') },
      { id: 7, username: 'susan', password_hash: werkzeugPbkdf2('go') },
    ]).then(() => file);
  }

  it('--dry-run reports what would happen and writes nothing', async () => {
    const file = await raStore();
    const run = await cli(['ra', file, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dry run (nothing is written)');
    expect(run.stdout).toContain('users: 2 to import, 0 already present, 0 skipped');
    expect(await counts()).toMatchObject({ users: 0 });
  });

  it('a second run of the same file imports nothing twice', async () => {
    const file = await raStore();
    expect((await importInProcess(db.url, ['ra', file])).stdout).toContain('users: 2 imported');
    const again = await cli(['ra', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('users: 0 imported, 2 already present, 0 skipped');
    expect(again.stdout).toContain('accounts still carrying legacy password hashes: 2');
    expect(await counts()).toMatchObject({ users: 2 });
    const data = join(dir, 'data.json');
    writeTxStore(data, [{ id: 3, name: 'user', password: 'password' }], [{ ...SHIP, id: 1 }]);
    expect((await importInProcess(db.url, ['tx', data])).code).toBe(0);
    expect(JSON.parse((await importInProcess(db.url, ['tx', data, '--json'])).stdout)).toMatchObject({
      users: { imported: 0, present: 1 },
      ships: { imported: 0, present: 1 },
      passwordsHashed: 0,
    });
  });

  it('a second run of an HB store with sessions imports neither again', async () => {
    const users = writeHbUsers(join(dir, '.db_User.json'), [{ email: 'kim@example.com', password: 'pw' }]);
    writeHbSessions(join(dir, '.db_UserSession.json'), [{ userId: Object.keys(users)[0]!, sessionId: 'kims-session', createdAtMs: Date.now() - 60_000 }]);
    const first = await importInProcess(db.url, ['hb', dir]);
    expect(first.stdout).toContain('sessions: 1 imported, 0 already present, 0 skipped');
    const again = await importInProcess(db.url, ['hb', dir]);
    expect(again.stdout).toContain('users: 0 imported, 1 already present, 0 skipped');
    expect(again.stdout).toContain('sessions: 0 imported, 1 already present, 0 skipped');
    expect(await counts()).toEqual({ users: 1, ships: 0, sessions: 1 });
  });

  it('new ids come after the imported ones', async () => {
    const file = await raStore();
    await importInProcess(db.url, ['ra', file]);
    const id = await withOrm(async (orm) => {
      const em = orm.em.fork();
      await em.execute(
        "insert into users (uuid, username, username_canonical, password_hash, token_version, created_at, updated_at) values ('00000000-0000-4000-8000-000000000009', 'next', 'next', 'x', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
      );
      return (await em.execute<{ id: number }[]>("select id from users where username = 'next'"))[0]!.id;
    });
    expect(Number(id)).toBe(8);
  });

  it('a failure while writing leaves the database as it was', async () => {
    const data = join(dir, 'data.json');
    writeTxStore(data, [{ id: 1, name: 'user', password: 'password' }], [{ ...SHIP, id: 1 }]);
    // A trigger that refuses ships: the users are written first, then the transaction fails.
    await withOrm(async (orm) => {
      const em = orm.em.fork();
      if (ENGINE === 'sqlite') {
        await em.execute("create trigger refuse_ships before insert on ships begin select raise(abort, 'ships refused'); end");
      } else {
        await em.execute("create function refuse_ships() returns trigger language plpgsql as $$ begin raise exception 'ships refused'; end $$");
        await em.execute('create trigger refuse_ships before insert on ships for each row execute function refuse_ships()');
      }
    });
    expectOneLineError(await cli(['tx', data]), 'ships refused');
    expect(await counts()).toMatchObject({ users: 0, ships: 0 });
  });

  it('an HB password stored upper-case is read as the same SHA-256', async () => {
    const file = join(dir, '.db_User.json');
    const users = writeHbUsers(file, [{ email: 'a@example.com', password: null }]);
    users[Object.keys(users)[0]!]!._password = sha256Hex('pw').toUpperCase();
    writeFileSync(file, JSON.stringify(users));
    expect((await importInProcess(db.url, ['hb', file])).stdout).toContain('accounts still carrying legacy password hashes: 1');
  });

  it('draws a progress bar on a terminal only, on stderr', async () => {
    const file = await raStore();
    const run = async (isTTY: boolean) => {
      const out: string[] = [];
      const err: string[] = [];
      const stream = (chunks: string[]) => new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk.toString()), done()) });
      const stderr = Object.assign(stream(err), { isTTY, columns: 80 });
      const code = await runImport(['ra', file, '--on-conflict', 'skip'], { stdin: process.stdin, stdout: stream(out), stderr, env: { DATABASE_URL: db.url } });
      return { code, stdout: out.join(''), stderr: err.join('') };
    };
    const piped = await run(false);
    expect(piped).toMatchObject({ code: 0, stderr: '' });
    expect(piped.stdout).not.toContain('[#');
    await db.cleanup();
    db = await tempDatabase();
    const terminal = await run(true);
    expect(terminal.code).toBe(0);
    expect(terminal.stderr).toMatch(/\rwriting users \[#{10,}\] 2\/2/);
    expect(terminal.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(terminal.stdout).toContain('users: 2 imported');
  });
});
