import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument, OpenSessionDocument, RegisterDocument, RevokeTokenDocument } from './operations/generated';
import { bearer, gql, startTestServer, TestClock, tempDatabase, type TestServer } from './support/testServer';

// Two instances on one SQLite file, as behind a load balancer: auth state is shared through the database.
const db = await tempDatabase();
const clock = new TestClock();
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  a = await startTestServer({ databaseUrl: db.url, clock });
  b = await startTestServer({ databaseUrl: db.url, clock });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await db.cleanup();
});

describe('two instances on one database', () => {
  it('sign with the same generated secret and share sessions and revocations', async () => {
    const login = (await gql(a, LoginDocument, { username: 'user', password: 'password' })).data!.login;
    if (login.__typename !== 'TokenPair') throw new Error('login failed');
    expect((await gql(b, MeDocument, undefined, { authorization: bearer(login.accessToken) })).data?.me?.username).toBe('user');

    const opened = await gql(a, OpenSessionDocument, { username: 'guest', password: 'guest' });
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    expect((await gql(b, MeDocument, undefined, { cookie })).data?.me?.username).toBe('guest');

    await gql(b, RevokeTokenDocument, { token: login.accessToken });
    const revoked = await gql(a, MeDocument, undefined, { authorization: bearer(login.accessToken) });
    expect(revoked.errors?.[0]?.message).toBe('Token has been revoked');
  });

  it('share password-throttling counters', async () => {
    // RATE_LIMIT_PER_ACCOUNT defaults to 10; the attempts alternate between the instances.
    const attempt = (server: TestServer) => gql(server, LoginDocument, { username: 'shared-target', password: 'wrong' });
    const statuses = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await attempt(i % 2 ? a : b)).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    expect((await attempt(a)).status).toBe(429);
  });

  it('concurrent registrations across both instances: one winner, no SQLITE_BUSY, no 500', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => gql(i % 2 ? a : b, RegisterDocument, { input: { username: 'contested', password: 'password' } })),
    );
    expect(attempts.every((r) => r.status === 200 && !r.errors)).toBe(true);
    const kinds = attempts.map((r) => r.data!.register.__typename);
    expect(kinds.filter((k) => k === 'User')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'ConflictError')).toHaveLength(19);
  });

  it('concurrent writes of distinct users across both instances all land', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 16 }, (_, i) => gql(i % 2 ? a : b, RegisterDocument, { input: { username: `pilot-${i}`, password: 'password' } })),
    );
    expect(attempts.map((r) => r.data?.register.__typename)).toEqual(Array(16).fill('User'));
  });
});

describe('two instances starting together on an empty database', () => {
  it('both come up, with one copy of the demo data and one signing secret', async () => {
    const fresh = await tempDatabase();
    const [first, second] = await Promise.all([startTestServer({ databaseUrl: fresh.url }), startTestServer({ databaseUrl: fresh.url })]);
    try {
      const users = await fetch(`${first.url}/api/users`);
      expect(((await users.json()) as unknown[]).length).toBe(3);
      const login = (await gql(first, LoginDocument, { username: 'user', password: 'password' })).data!.login;
      if (login.__typename !== 'TokenPair') throw new Error('login failed');
      expect((await gql(second, MeDocument, undefined, { authorization: bearer(login.accessToken) })).data?.me?.username).toBe('user');
    } finally {
      await first.close();
      await second.close();
      await fresh.cleanup();
    }
  });
});

describe('sqlite::memory:', () => {
  it('serves from an in-memory database', async () => {
    const memory = await startTestServer({ env: { DATABASE_URL: 'sqlite::memory:' } });
    try {
      expect((await gql(memory, MeDocument, undefined, { authorization: 'Basic dXNlcjpwYXNzd29yZA==' })).data?.me?.username).toBe('user');
    } finally {
      await memory.close();
    }
  });
});
