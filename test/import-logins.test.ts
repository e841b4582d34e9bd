import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNUSABLE_PASSWORD_HASH } from '../src/auth/legacyHashes';
import { User } from '../src/entities';
import { countLegacyPasswordHashes } from '../src/services/legacyPasswords';
import { LoginDocument, OpenSessionDocument } from './operations/generated';
import { curlForm, sessionCookieOf } from './support/hb';
import { http } from './support/http';
import {
  importInProcess,
  SHA_CRYPT_SAMPLES,
  werkzeugPbkdf2,
  werkzeugScrypt,
  writeHbSessions,
  writeHbUsers,
  writeRaStore,
  writeTxStore,
} from './support/flaskStores';
import { basic, gql, startTestServer, TestClock, tempDatabase, type TestDatabase, type TestServer } from './support/testServer';

// Users imported from each original, with each kind of stored password, log in through every
// face; the first login replaces the legacy hash with argon2id, and the password keeps working.

const FACES = ['basic', 'graphqlLogin', 'openSession', 'txLogin', 'raToken', 'hbLogin'] as const;
type Face = (typeof FACES)[number];
const FORMATS = ['pbkdf2', 'scrypt', 'sha256crypt', 'hbsha256', 'txplain'] as const;
type Format = (typeof FORMATS)[number];

const PASSWORD: Record<Format, string> = {
  pbkdf2: 'pbkdf2 pässword',
  scrypt: 'scrypt-password',
  sha256crypt: SHA_CRYPT_SAMPLES[0]!.password,
  hbsha256: 'H0lbertonSchool98!',
  txplain: 'plain text',
};
// Usernames are emails, so that HB's login (by email) reaches every user too.
const nameOf = (format: Format, face: Face) => `${format}-${face}@example.com`;

const now = Date.now();
let dir: string;
let db: TestDatabase;
let server: TestServer;
const imports: Record<string, { code: number; stdout: string; stderr: string }> = {};
const noPasswordUuid = '6a1f4c0e-1d2b-4c3d-9e8f-0a1b2c3d4e5f';
const hbUuid = (face: Face) => `00000000-0000-4000-8000-${String(FACES.indexOf(face) + 1).padStart(12, '0')}`;

async function login(face: Face, identifier: string, password: string): Promise<boolean> {
  switch (face) {
    case 'basic':
      return (await http(server, 'GET', '/api/resource', { headers: { Authorization: basic(identifier, password) } })).status === 200;
    case 'graphqlLogin':
      return (await gql(server, LoginDocument, { username: identifier, password })).data?.login.__typename === 'TokenPair';
    case 'openSession':
      return (await gql(server, OpenSessionDocument, { username: identifier, password })).data?.openSession.__typename === 'OpenedSession';
    case 'txLogin':
      return (await http(server, 'POST', '/auth/login', { json: { username: identifier, password } })).status === 200;
    case 'raToken':
      return (await http(server, 'GET', '/api/token', { headers: { Authorization: basic(identifier, password) } })).status === 200;
    case 'hbLogin':
      return (
        (
          await http(
            server,
            'POST',
            '/api/v1/auth_session/login',
            curlForm(`email=${encodeURIComponent(identifier)}`, `password=${encodeURIComponent(password)}`),
          )
        ).status === 200
      );
  }
}

async function storedHash(username: string): Promise<string> {
  const user = await server.running.runtime.orm.em.fork().findOneOrFail(User, { username }, { populate: ['passwordHash'] });
  return user.passwordHash;
}

const legacyCount = () => countLegacyPasswordHashes(server.running.runtime.orm.em.fork());

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hangar-import-'));
  db = await tempDatabase();
  let id = 100;
  const raRows = [];
  for (const face of FACES) {
    raRows.push({ id: id++, username: nameOf('pbkdf2', face), password_hash: werkzeugPbkdf2(PASSWORD.pbkdf2) });
    raRows.push({ id: id++, username: nameOf('scrypt', face), password_hash: werkzeugScrypt(PASSWORD.scrypt) });
    raRows.push({ id: id++, username: nameOf('sha256crypt', face), password_hash: SHA_CRYPT_SAMPLES[0]!.hash });
  }
  raRows.push({ id, username: 'throttled', password_hash: werkzeugPbkdf2('right password') });
  await writeRaStore(join(dir, 'db.sqlite'), raRows);
  writeHbUsers(
    join(dir, '.db_User.json'),
    [
      ...FACES.map((face) => ({ id: hbUuid(face), email: nameOf('hbsha256', face), password: PASSWORD.hbsha256, firstName: 'Bob', lastName: face })),
      { id: noPasswordUuid, email: 'nopassword@example.com', password: null },
    ],
    now,
  );
  writeHbSessions(join(dir, '.db_UserSession.json'), [
    { userId: hbUuid('basic'), sessionId: 'live-session-id', createdAtMs: now - 3_600_000 },
    { userId: hbUuid('basic'), sessionId: 'old-session-id', createdAtMs: now - 2 * 86_400_000 },
  ]);
  writeTxStore(
    join(dir, 'data.json'),
    FACES.map((face, i) => ({ id: 500 + i, name: nameOf('txplain', face), password: PASSWORD.txplain })),
    [
      {
        id: 40,
        affiliation: 'Empire',
        category: 'Transports',
        crew: 2,
        length: 20,
        manufacturer: 'Sienar Fleet Systems',
        model: 'Lambda',
        ship_class: 'Shuttle',
        roles: ['Personnel Shuttle', 'Troop Transport', 'Escape Vessel'],
      },
    ],
  );
  imports.ra = await importInProcess(db.url, ['ra', join(dir, 'db.sqlite')]);
  imports.hb = await importInProcess(db.url, ['hb', join(dir, '.db_User.json')]);
  imports.tx = await importInProcess(db.url, ['tx', join(dir, 'data.json'), '--json']);
  server = await startTestServer({
    databaseUrl: db.url,
    clock: new TestClock(now),
    env: { SEED_DEMO: '0', RATE_LIMIT_PER_IP: '100000', RATE_LIMIT_PER_ACCOUNT: '100000' },
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await db?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('the imports', () => {
  it('report what they wrote, and the legacy hashes left', () => {
    expect(imports.ra).toMatchObject({ code: 0, stderr: '' });
    expect(imports.ra!.stdout).toContain('users: 19 imported, 0 already present, 0 skipped');
    expect(imports.ra!.stdout).toContain('accounts still carrying legacy password hashes: 19');
    expect(imports.hb!.stdout).toContain('users: 7 imported, 0 already present, 0 skipped');
    expect(imports.hb!.stdout).toContain('sessions: 1 imported, 0 already present, 1 skipped');
    expect(imports.hb!.stdout).toMatch(/skipped: .*\.db_UserSession\.json: record "[^"]+": expired/);
    expect(imports.hb!.stdout).toContain('accounts still carrying legacy password hashes: 25');
    const tx = JSON.parse(imports.tx!.stdout);
    expect(tx).toMatchObject({ ok: true, users: { imported: 6 }, ships: { imported: 1 }, passwordsHashed: 6, legacyPasswordHashes: 25 });
  });

  it('keeps ids, uuids, names, emails and timestamps', async () => {
    expect((await http(server, 'GET', '/api/users/100')).json).toEqual({ id: 100, name: nameOf('pbkdf2', 'basic'), username: nameOf('pbkdf2', 'basic') });
    expect((await http(server, 'GET', '/api/users/500')).json).toEqual({ id: 500, name: nameOf('txplain', 'basic'), username: nameOf('txplain', 'basic') });
    const me = await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id=live-session-id' } });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ id: hbUuid('basic'), email: nameOf('hbsha256', 'basic'), first_name: 'Bob', last_name: 'basic' });
    // writeHbUsers dates each user 30 days back, in HB's `YYYY-MM-DDTHH:MM:SS`; HB shows it with a space.
    expect((me.json as { created_at: string }).created_at).toBe(new Date(now - 86_400_000 * 30).toISOString().slice(0, 19).replace('T', ' '));
  });

  it('keeps a ship with its role order', async () => {
    const ship = await http(server, 'GET', '/api/ships/40');
    expect(ship.json).toMatchObject({ id: 40, model: 'Lambda', roles: ['Personnel Shuttle', 'Troop Transport', 'Escape Vessel'] });
  });

  it('keeps a live HB session logged in, and leaves out the expired one', async () => {
    expect((await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id=live-session-id' } })).status).toBe(200);
    expect((await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id=old-session-id' } })).status).toBe(403);
  });
});

describe.each(FORMATS)('a user whose password is stored as %s', (format) => {
  it.each(FACES)('logs in through %s, and the legacy hash is replaced by argon2id', async (face) => {
    const username = nameOf(format, face);
    const before = await storedHash(username);
    expect(before.startsWith('$argon2id$')).toBe(format === 'txplain');
    expect(await login(face, username, `${PASSWORD[format]}!`)).toBe(false);
    expect(await storedHash(username)).toBe(before);
    expect(await login(face, username, PASSWORD[format])).toBe(true);
    const after = await storedHash(username);
    expect(after).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    if (format === 'txplain') expect(after).toBe(before);
    expect(await login(face, username, PASSWORD[format])).toBe(true);
    expect(await login(face, username, `${PASSWORD[format]}!`)).toBe(false);
  });
});

describe('after the logins', () => {
  it('legacy checks go through the login throttle: after the limit, even the right password is refused', async () => {
    const strict = await startTestServer({ databaseUrl: db.url, clock: new TestClock(now), env: { SEED_DEMO: '0', RATE_LIMIT_PER_ACCOUNT: '2' } });
    try {
      const attempt = (password: string) => http(strict, 'GET', '/api/token', { headers: { Authorization: basic('throttled', password) } });
      expect((await attempt('wrong 1')).status).toBe(401);
      expect((await attempt('wrong 2')).status).toBe(401);
      expect((await attempt('right password')).status).toBe(429);
      expect(await storedHash('throttled')).toMatch(/^pbkdf2:sha256:1000\$/);
      expect(await legacyCount()).toBe(1);
    } finally {
      await strict.close();
    }
  });

  it('no other legacy hash is left, and the events name each re-hash', async () => {
    expect(await legacyCount()).toBe(1);
    expect(server.events.filter((event) => event.event === 'password_rehashed')).toHaveLength(24);
  });

  it('a new password is stored as argon2id, never in a legacy format', async () => {
    const throttled = await server.running.runtime.orm.em.fork().findOneOrFail(User, { username: 'throttled' });
    const put = await http(server, 'PUT', `/api/users/${throttled.id}`, {
      headers: { Authorization: basic('throttled', 'right password') },
      json: { name: 'throttled', password: 'a new password' },
    });
    expect(put.status).toBe(200);
    expect(await storedHash('throttled')).toMatch(/^\$argon2id\$/);
    expect(await login('raToken', 'throttled', 'a new password')).toBe(true);
    expect(await login('raToken', 'throttled', 'right password')).toBe(false);
    expect(await legacyCount()).toBe(0);
  });

  it('an HB user whose _password was null can never log in', async () => {
    for (const face of FACES) {
      for (const password of ['', 'null', UNUSABLE_PASSWORD_HASH]) expect(await login(face, 'nopassword@example.com', password), face).toBe(false);
    }
    expect(await storedHash('nopassword@example.com')).toBe(UNUSABLE_PASSWORD_HASH);
  });

  it('a login through HB names the imported user', async () => {
    const response = await http(
      server,
      'POST',
      '/api/v1/auth_session/login',
      curlForm(`email=${nameOf('hbsha256', 'hbLogin')}`, `password=${PASSWORD.hbsha256}`),
    );
    const me = await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: sessionCookieOf(response) } });
    expect(me.json).toMatchObject({ id: hbUuid('hbLogin'), email: nameOf('hbsha256', 'hbLogin') });
  });
});
