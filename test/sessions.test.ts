import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  CloseSessionDocument,
  LoginDocument,
  MeDocument,
  MySessionsDocument,
  OpenSessionDocument,
  RefreshTokenDocument,
  RegisterDocument,
  RevokeSessionsDocument,
} from './operations/generated';
import { gql, startTestServer, TestClock, tempDatabase, type TestServer } from './support/testServer';

async function openSession(server: TestServer, username: string, password: string) {
  const response = await gql(server, OpenSessionDocument, { username, password });
  const setCookie = response.headers.get('set-cookie');
  return { response, setCookie, cookie: setCookie?.split(';')[0] ?? '' };
}

describe('cookie sessions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { SESSION_DURATION: '3600' } });
  });
  afterAll(() => server.close());

  it('openSession sets a hardened cookie holding a 256-bit id', async () => {
    const { response, setCookie } = await openSession(server, 'user', 'password');
    expect(response.data?.openSession).toMatchObject({ __typename: 'OpenedSession', user: { username: 'user' } });
    expect(setCookie).toMatch(/^_my_session_id=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600$/);
  });

  it('refuses bad credentials without setting a cookie', async () => {
    const { response, setCookie } = await openSession(server, 'user', 'bad');
    expect(response.data?.openSession).toEqual({ __typename: 'UnauthenticatedError', message: 'Invalid username or password' });
    expect(setCookie).toBeNull();
  });

  it('each login is a new session; they can be listed and revoked', async () => {
    const a = await openSession(server, 'guest', 'guest');
    const b = await openSession(server, 'guest', 'guest');
    expect(a.cookie).not.toBe(b.cookie);
    const listed = await gql(server, MySessionsDocument, undefined, { cookie: a.cookie });
    const sessions = listed.data?.mySessions.__typename === 'QueryMySessionsSuccess' ? listed.data.mySessions.data : [];
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    expect((await gql(server, RevokeSessionsDocument, { id: other.id }, { cookie: a.cookie })).data?.revokeSessions).toEqual({
      __typename: 'RevokedSessions',
      count: 1,
    });
    expect((await gql(server, RevokeSessionsDocument, { id: other.id }, { cookie: a.cookie })).data?.revokeSessions.__typename).toBe('NotFoundError');
    expect((await gql(server, MeDocument, undefined, { cookie: b.cookie })).status).toBe(401);
    expect((await gql(server, MeDocument, undefined, { cookie: a.cookie })).data?.me?.username).toBe('guest');
  });

  it('revokeSessions without an id ends every session of the user, the current one included', async () => {
    await gql(server, RegisterDocument, { input: { username: 'nomad', password: 'nomad-pass' } });
    const cookies = [];
    for (let i = 0; i < 3; i += 1) cookies.push((await openSession(server, 'nomad', 'nomad-pass')).cookie);
    const revoked = await gql(server, RevokeSessionsDocument, {}, { cookie: cookies[0]! });
    expect(revoked.data?.revokeSessions).toEqual({ __typename: 'RevokedSessions', count: 3 });
    for (const cookie of cookies) expect((await gql(server, MeDocument, undefined, { cookie })).status).toBe(401);
    // Another user's sessions are untouched.
    const guest = await openSession(server, 'guest', 'guest');
    expect((await gql(server, MeDocument, undefined, { cookie: guest.cookie })).data?.me?.username).toBe('guest');
  });

  it('expires after SESSION_DURATION (injected clock)', async () => {
    const { cookie } = await openSession(server, 'user', 'password');
    server.clock.advance(3600);
    expect((await gql(server, MeDocument, undefined, { cookie })).data?.me?.username).toBe('user');
    server.clock.advance(1);
    const expired = await gql(server, MeDocument, undefined, { cookie });
    expect(expired.status).toBe(401);
    expect(expired.errors?.[0]?.message).toBe('Session has expired');
  });

  it('closeSession ends the session and clears the cookie', async () => {
    const { cookie } = await openSession(server, 'user', 'password');
    const closed = await gql(server, CloseSessionDocument, undefined, { cookie });
    expect(closed.data?.closeSession).toMatchObject({ __typename: 'ClosedSession' });
    expect(closed.headers.get('set-cookie')).toMatch(/^_my_session_id=; .*Max-Age=0/);
    expect((await gql(server, MeDocument, undefined, { cookie })).errors?.[0]?.message).toBe('Session is invalid');
    expect((await gql(server, CloseSessionDocument)).data?.closeSession.__typename).toBe('UnauthenticatedError');
  });

  it('a password change ends the other sessions and every refresh token', async () => {
    await gql(server, RegisterDocument, { input: { username: 'hank', password: 'hank-pass' } });
    const mine = await openSession(server, 'hank', 'hank-pass');
    const other = await openSession(server, 'hank', 'hank-pass');
    const pair = (await gql(server, LoginDocument, { username: 'hank', password: 'hank-pass' })).data!.login;
    if (pair.__typename !== 'TokenPair') throw new Error('login failed');
    const changed = await gql(server, ChangePasswordDocument, { currentPassword: 'hank-pass', newPassword: 'hank-pass-2' }, { cookie: mine.cookie });
    expect(changed.data?.changePassword.__typename).toBe('User');
    expect((await gql(server, MeDocument, undefined, { cookie: mine.cookie })).data?.me?.username).toBe('hank');
    expect((await gql(server, MeDocument, undefined, { cookie: other.cookie })).status).toBe(401);
    expect((await gql(server, RefreshTokenDocument, { refreshToken: pair.refreshToken })).data?.refreshToken).toMatchObject({
      __typename: 'UnauthenticatedError',
    });
  });
});

describe('SESSION_DURATION=0', () => {
  it('means sessions never expire', async () => {
    const server = await startTestServer({ env: { SESSION_DURATION: '0' } });
    try {
      const { cookie, setCookie } = await openSession(server, 'user', 'password');
      expect(setCookie).not.toMatch(/Max-Age/);
      server.clock.advance(10 * 365 * 86400);
      expect((await gql(server, MeDocument, undefined, { cookie })).data?.me?.username).toBe('user');
    } finally {
      await server.close();
    }
  });
});

describe('COOKIE_SECURE=1', () => {
  it('marks the cookie Secure', async () => {
    const server = await startTestServer({ env: { COOKIE_SECURE: '1' } });
    try {
      expect((await openSession(server, 'user', 'password')).setCookie).toMatch(/; Secure/);
    } finally {
      await server.close();
    }
  });
});

describe('restart on the same database file', () => {
  it('keeps sessions, refresh tokens and the generated signing secret', async () => {
    const db = await tempDatabase();
    const clock = new TestClock();
    try {
      const first = await startTestServer({ databaseUrl: db.url, clock });
      const { cookie } = await openSession(first, 'user', 'password');
      const pair = (await gql(first, LoginDocument, { username: 'user', password: 'password' })).data!.login;
      if (pair.__typename !== 'TokenPair') throw new Error('login failed');
      await first.close();

      const second = await startTestServer({ databaseUrl: db.url, clock });
      try {
        expect((await gql(second, MeDocument, undefined, { cookie })).data?.me?.username).toBe('user');
        const refreshed = await gql(second, RefreshTokenDocument, { refreshToken: pair.refreshToken });
        expect(refreshed.data?.refreshToken.__typename).toBe('TokenPair');
        expect((await gql(second, MeDocument, undefined, { authorization: `Bearer ${pair.accessToken}` })).data?.me?.username).toBe('user');
      } finally {
        await second.close();
      }
    } finally {
      await db.cleanup();
    }
  });
});
