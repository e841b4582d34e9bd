import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LoginDocument, MeDocument, RegisterDocument } from './operations/generated';
import { loadConfig } from '../src/config';
import { initORM } from '../src/db/orm';
import { http } from './support/http';
import { basic, ENGINE, gql, startTestServer, tempDatabase, type TestDatabase, type TestServer } from './support/testServer';

// Issue 11, item 10: look-alike accounts. Usernames compare in RFC 8265's UsernameCaseMapped
// form, emails case-insensitively; the display form stays as typed.

const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.cleanup();
});

describe('registering a look-alike of an existing user', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  const register = (name: string) => http(server, 'POST', '/api/users', { json: { name, password: 'look-alike' } });
  const TAKEN = { error: 'Bad Request', message: 'User already exists.' };

  it.each([
    ['upper case', 'User', TAKEN],
    ['fullwidth', 'ｕｓｅｒ', TAKEN],
    ['fullwidth and upper case', 'ＵＳＥＲ', TAKEN],
    ['a phonetic small capital', 'ᴜser', { error: 'Bad Request', message: { name: ['May not contain the character U+1D1C.'] } }],
    ['a Cyrillic е among Latin letters', 'us\u0435r', { error: 'Bad Request', message: { name: ['May not mix Latin and Cyrillic letters.'] } }],
    ['a leading space', ' user', { error: 'Bad Request', message: { name: ['May not start or end with a space, or have two spaces in a row.'] } }],
    ['a trailing space', 'user ', { error: 'Bad Request', message: { name: ['May not start or end with a space, or have two spaces in a row.'] } }],
    ['a zero-width space', 'us\u200ber', { error: 'Bad Request', message: { name: ['May not contain the character U+200B.'] } }],
    ['a zero-width joiner', 'user\u200d', { error: 'Bad Request', message: { name: ['May not contain the character U+200D.'] } }],
    [
      'a combining overlay',
      'user\u0336',
      { error: 'Bad Request', message: { name: ['May not contain the combining mark U+0336 on a letter that has no composed form with it.'] } },
    ],
  ])('%s (%j) is refused', async (_name, name, body) => {
    const response = await register(name);
    expect(response.status).toBe(400);
    expect(response.json).toEqual(body);
  });

  it('GraphQL register refuses BOB@hbtn.io next to bob@hbtn.io, and HB login with either finds bob', async () => {
    const { data } = await gql(server, RegisterDocument, { input: { username: 'BOB@hbtn.io', password: 'impostor' } });
    expect(data?.register).toMatchObject({ __typename: 'ConflictError' });
    const other = await gql(server, RegisterDocument, { input: { username: 'bobby', email: 'Bob@HBTN.io', password: 'impostor' } });
    expect(other.data?.register).toMatchObject({ __typename: 'ConflictError', field: 'email' });
    const login = await http(server, 'POST', '/api/v1/auth_session/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=BOB%40hbtn.io&password=H0lbertonSchool98%21',
    });
    expect(login.status).toBe(200);
    expect((login.json as { email: string }).email).toBe('bob@hbtn.io');
  });

  it('keeps the display form as typed, and every login path finds the account by its canonical form', async () => {
    const created = await register('Zoë Smith');
    expect(created.json).toMatchObject({ name: 'Zoë Smith' });
    expect((await register('zoe\u0308 smith')).json).toEqual(TAKEN);
    for (const typed of ['Zoë Smith', 'zoë smith', 'ZOË SMITH', 'zoe\u0308 smith']) {
      const { data } = await gql(server, LoginDocument, { username: typed, password: 'look-alike' });
      expect(data?.login.__typename).toBe('TokenPair');
    }
    expect((await http(server, 'POST', '/auth/login', { json: { username: 'ｕｓｅｒ', password: 'password' } })).status).toBe(200);
    const me = await gql(server, MeDocument, undefined, { authorization: basic('USER', 'password') });
    expect(me.data?.me?.username).toBe('user');
  });

  it('scripts other than Latin are welcome on their own', async () => {
    for (const name of ['Дмитрий', 'Ελένη', '山田太郎', 'नमस्ते']) expect((await register(name)).status).toBe(201);
  });
});

describe('existing rows get the canonical columns through a migration', () => {
  it('reports collisions and never merges them', async () => {
    const db = await tempDatabase();
    databases.push(db);
    const first = await startTestServer({ databaseUrl: db.url });
    for (const [name, email] of [
      ['pilot', 'ann@hbtn.io'],
      ['pilot-two', 'ann-two@hbtn.io'],
    ]) {
      await gql(first, RegisterDocument, { input: { username: name!, email, password: `${name}-pass` } });
    }
    await first.close();

    // The database as an earlier Hangar left it: no canonical columns, and names that differ only in case.
    const orm = await initORM(loadConfig({ DATABASE_URL: db.url, SEED_DEMO: '0' }), { migrate: false, checkMigrations: false });
    try {
      const connection = orm.em.getConnection();
      if (ENGINE === 'sqlite') {
        await connection.execute('drop index users_username_canonical_unique');
        await connection.execute('drop index users_email_canonical_unique');
        await connection.execute('alter table users drop column username_canonical');
        await connection.execute('alter table users drop column email_canonical');
      } else {
        await connection.execute('alter table users drop column username_canonical, drop column email_canonical');
      }
      await connection.execute("update users set username = 'Pilot', email = 'ANN@hbtn.io' where username = 'pilot-two'");
      await connection.execute("delete from mikro_orm_migrations where name = 'Migration20261201221531_canonical_identifiers'");
    } finally {
      await orm.close();
    }

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const second = await startTestServer({ databaseUrl: db.url });
    try {
      const reports = warn.mock.calls.map((call) => String(call[0]));
      expect(reports.filter((line) => line.startsWith('users: '))).toHaveLength(2);
      expect(reports.some((line) => /username is the same as user \d+'s/.test(line))).toBe(true);
      expect(reports.some((line) => /email is the same as user \d+'s/.test(line))).toBe(true);
      // Both accounts are still there, each with its own password.
      const names = ((await http(second, 'GET', '/api/users')).json as { name: string }[]).map((user) => user.name);
      expect(names).toEqual(expect.arrayContaining(['pilot', 'Pilot']));
      expect((await http(second, 'POST', '/auth/login', { json: { username: 'pilot', password: 'pilot-pass' } })).status).toBe(200);
      expect((await http(second, 'POST', '/auth/login', { json: { username: 'Pilot', password: 'pilot-two-pass' } })).status).toBe(200);
      // New registrations are refused against either.
      expect((await http(second, 'POST', '/api/users', { json: { name: 'PILOT', password: 'x-pass' } })).json).toEqual({
        error: 'Bad Request',
        message: 'User already exists.',
      });
    } finally {
      warn.mockRestore();
      await second.close();
    }
  });
});
