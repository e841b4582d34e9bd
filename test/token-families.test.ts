import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  CloseSessionDocument,
  LoginDocument,
  MeDocument,
  OpenSessionDocument,
  RefreshTokenDocument,
  RegisterDocument,
  RevokeSessionsDocument,
  RevokeTokenDocument,
} from './operations/generated';
import { http } from './support/http';
import { REFRESH_REUSE_GRACE_SECONDS } from '../src/services/tokens';
import { basic, bearer, gql, startTestServer, type TestServer } from './support/testServer';

// Attacks on refresh families, renewed tokens and password changes (issue 11, items 1-6).

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { FRESH_TOKEN_SECONDS: '300' } });
});
afterAll(() => server.close());

let users = 0;
async function newUser(): Promise<{ username: string; password: string; id: number }> {
  users += 1;
  const username = `family-${users}`;
  const password = `${username}-pass`;
  const { data } = await gql(server, RegisterDocument, { input: { username, password } });
  if (data?.register.__typename !== 'User') throw new Error('register failed');
  return { username, password, id: data.register.id };
}

async function login(username: string, password: string) {
  const { data } = await gql(server, LoginDocument, { username, password });
  if (data?.login.__typename !== 'TokenPair') throw new Error('login failed');
  return data.login;
}

async function openSession(username: string, password: string): Promise<string> {
  const opened = await gql(server, OpenSessionDocument, { username, password });
  return opened.headers.get('set-cookie')!.split(';')[0]!;
}

const rotate = async (refreshToken: string) => (await gql(server, RefreshTokenDocument, { refreshToken })).data!.refreshToken;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
/** RA's /api/token with the credential in the given Authorization header value. */
const renew = async (authorization: Record<string, string>) => {
  const response = await http(server, 'GET', '/api/token', { headers: authorization });
  return { status: response.status, token: (response.json as { token?: string } | undefined)?.token };
};
const resource = async (token: string) => (await http(server, 'GET', '/api/resource', { headers: { authorization: bearer(token) } })).status;
const me = (token: string) => gql(server, MeDocument, undefined, { authorization: bearer(token) });

describe('1. revoking a rotated refresh token does not switch off reuse detection', () => {
  it.each([
    ['GraphQL revokeToken', (token: string) => gql(server, RevokeTokenDocument, { token }).then((r) => r.data?.revokeToken.__typename)],
    ['DELETE /auth/logout2', (token: string) => http(server, 'DELETE', '/auth/logout2', { headers: { authorization: bearer(token) } }).then((r) => r.status)],
  ])("thief rotates R1 to R2, then revokes R1 with %s: the owner's replay of R1 still ends R2", async (_name, revoke) => {
    const { username, password } = await newUser();
    const r1 = (await login(username, password)).refreshToken;
    const r2 = await rotate(r1);
    if (r2.__typename !== 'TokenPair') throw new Error('rotation failed');
    await revoke(r1);
    server.clock.advance(REFRESH_REUSE_GRACE_SECONDS + 60);
    expect(await rotate(r1)).toEqual({ __typename: 'UnauthenticatedError', message: 'Token has been revoked' });
    expect(await rotate(r2.refreshToken)).toEqual({ __typename: 'UnauthenticatedError', message: 'Token has been revoked' });
    expect((await me(r2.accessToken)).status).toBe(401);
  });
});

describe('2. replays within the grace window do not fork the family', () => {
  it('five replays of R1 get the successor the first rotation issued, and nothing else', async () => {
    const { username, password } = await newUser();
    const r1 = (await login(username, password)).refreshToken;
    const first = await rotate(r1);
    if (first.__typename !== 'TokenPair') throw new Error('rotation failed');
    for (let i = 0; i < 5; i += 1) {
      server.clock.advance(1);
      expect(await rotate(r1)).toEqual(first);
    }
    // Concurrent rotations of a new token agree too.
    const r2 = first.refreshToken;
    const concurrent = await Promise.all([1, 2, 3].map(() => rotate(r2)));
    expect(new Set(concurrent.map((pair) => (pair.__typename === 'TokenPair' ? pair.refreshToken : pair.message))).size).toBe(1);
    // The successor keeps working; after the grace window a replay of R1 ends the one chain there is.
    server.clock.advance(REFRESH_REUSE_GRACE_SECONDS + 1);
    expect(await rotate(r1)).toMatchObject({ __typename: 'UnauthenticatedError' });
    expect(await rotate(r2)).toMatchObject({ __typename: 'UnauthenticatedError' });
  });
});

describe('3. logging out or ending a session ends renewed tokens', () => {
  async function renewedFromSession() {
    const { username, password } = await newUser();
    const cookie = await openSession(username, password);
    const t1 = await renew({ cookie });
    expect(t1.status).toBe(200);
    const t2 = await renew({ authorization: bearer(t1.token!) });
    expect(t2.status).toBe(200);
    expect(await resource(t2.token!)).toBe(200);
    return { cookie, t1: t1.token!, t2: t2.token! };
  }

  it('closing the session (GraphQL closeSession)', async () => {
    const { cookie, t2 } = await renewedFromSession();
    expect((await gql(server, CloseSessionDocument, undefined, { cookie })).data?.closeSession.__typename).toBe('ClosedSession');
    expect(await resource(t2)).toBe(401);
    expect((await renew({ authorization: bearer(t2) })).status).toBe(401);
  });

  it('closing the session (HB logout)', async () => {
    const { cookie, t2 } = await renewedFromSession();
    expect((await http(server, 'DELETE', '/api/v1/auth_session/logout', { headers: { cookie } })).status).toBe(200);
    expect(await resource(t2)).toBe(401);
  });

  it('revokeSessions', async () => {
    const { cookie, t2 } = await renewedFromSession();
    expect((await gql(server, RevokeSessionsDocument, {}, { cookie })).data?.revokeSessions).toMatchObject({ count: 1 });
    expect(await resource(t2)).toBe(401);
    expect((await renew({ authorization: bearer(t2) })).status).toBe(401);
  });

  it('DELETE /auth/logout of the token it was renewed from', async () => {
    const { cookie, t1, t2 } = await renewedFromSession();
    expect((await http(server, 'DELETE', '/auth/logout', { headers: { authorization: bearer(t1) } })).status).toBe(200);
    expect(await resource(t2)).toBe(401);
    expect((await renew({ authorization: bearer(t2) })).status).toBe(401);
    // The session itself stays open, and a token minted from it afterwards works.
    const t3 = await renew({ cookie });
    expect(await resource(t3.token!)).toBe(200);
  });

  it('a token renewed from a password login ends with /auth/logout, and with /auth/logout2', async () => {
    const { username, password } = await newUser();
    for (const logout of ['access', 'refresh'] as const) {
      const pair = await login(username, password);
      const renewed = (await renew({ authorization: bearer(pair.accessToken) })).token!;
      const again = (await renew({ authorization: bearer(renewed) })).token!;
      expect(await resource(again)).toBe(200);
      const [path, token] = logout === 'access' ? ['/auth/logout', pair.accessToken] : ['/auth/logout2', pair.refreshToken];
      expect((await http(server, 'DELETE', path, { headers: { authorization: bearer(token) } })).status).toBe(200);
      expect(await resource(renewed)).toBe(401);
      expect(await resource(again)).toBe(401);
      expect((await renew({ authorization: bearer(again) })).status).toBe(401);
    }
  });
});

describe('4. a password change ends every other credential, access tokens included', () => {
  it('an access token issued before a change is refused on every face; the session that made it survives', async () => {
    const { username, password } = await newUser();
    const stolen = await login(username, password);
    const cookie = await openSession(username, password);
    const changed = await gql(server, ChangePasswordDocument, { currentPassword: password, newPassword: 'brand-new-pass' }, { cookie });
    expect(changed.data?.changePassword.__typename).toBe('User');
    expect((await me(stolen.accessToken)).status).toBe(401);
    expect(await resource(stolen.accessToken)).toBe(401);
    expect((await http(server, 'POST', '/api/ships', { headers: { authorization: bearer(stolen.accessToken) }, json: {} })).status).toBe(401);
    expect((await http(server, 'GET', '/api/v1/users/me', { headers: { authorization: bearer(stolen.accessToken) } })).status).toBe(403);
    expect((await gql(server, MeDocument, undefined, { cookie })).data?.me?.username).toBe(username);
  });

  it('the access token that made the change keeps working, its other tokens do not', async () => {
    const { username, password, id } = await newUser();
    const other = await login(username, password);
    const changer = await login(username, password);
    const put = await http(server, 'PUT', `/api/users/${id}`, {
      headers: { authorization: bearer(changer.accessToken) },
      json: { name: username, password: 'changed-by-put' },
    });
    expect(put.status).toBe(200);
    expect(await resource(changer.accessToken)).toBe(200);
    expect(await resource(other.accessToken)).toBe(401);
    expect((await http(server, 'POST', '/auth/refresh', { headers: { authorization: bearer(changer.refreshToken) } })).status).toBe(401);
  });

  it('a TX PUT that sends the password the user already has ends nothing', async () => {
    const { username, password, id } = await newUser();
    const other = await login(username, password);
    const cookie = await openSession(username, password);
    const putter = await login(username, password);
    const put = await http(server, 'PUT', `/api/users/${id}`, {
      headers: { authorization: bearer(putter.accessToken) },
      json: { name: `${username}-renamed`, password },
    });
    expect(put.status).toBe(200);
    expect(await resource(other.accessToken)).toBe(200);
    expect((await http(server, 'POST', '/auth/refresh', { headers: { authorization: bearer(other.refreshToken) } })).status).toBe(200);
    expect((await gql(server, MeDocument, undefined, { cookie })).data?.me?.username).toBe(`${username}-renamed`);
  });
});

describe("5. TX's PUT sets a new password only with a fresh token", () => {
  it('a stolen session cookie cannot replace the password', async () => {
    const { username, password, id } = await newUser();
    const cookie = await openSession(username, password);
    const put = await http(server, 'PUT', `/api/users/${id}`, { headers: { cookie }, json: { name: username, password: 'taken-over' } });
    expect(put.status).toBe(401);
    expect(put.json).toEqual({ error: 'Fresh token required' });
    expect((await http(server, 'POST', '/auth/login', { json: { username, password: 'taken-over' } })).status).toBe(401);
    expect((await http(server, 'POST', '/auth/login', { json: { username, password } })).status).toBe(200);
  });

  it('nor can a renewed, refreshed or stale access token', async () => {
    const { username, password, id } = await newUser();
    const pair = (await http(server, 'POST', '/auth/login', { json: { username, password } })).json as { access_token: string; refresh_token: string };
    const renewed = (await renew({ authorization: bearer(pair.access_token) })).token!;
    const refreshed = (
      (await http(server, 'POST', '/auth/refresh', { headers: { authorization: bearer(pair.refresh_token) } })).json as { access_token: string }
    ).access_token;
    for (const token of [renewed, refreshed]) {
      const put = await http(server, 'PUT', `/api/users/${id}`, { headers: { authorization: bearer(token) }, json: { name: username, password: 'nope-nope' } });
      expect(put.status).toBe(401);
      expect(put.json).toEqual({ error: 'Fresh token required' });
    }
    const stale = (await http(server, 'POST', '/auth/login', { json: { username, password } })).json as { access_token: string };
    server.clock.advance(301);
    const late = await http(server, 'PUT', `/api/users/${id}`, {
      headers: { authorization: bearer(stale.access_token) },
      json: { name: username, password: 'nope-nope' },
    });
    expect(late.json).toEqual({ error: 'Fresh token required' });
  });

  it('the TX README flow (log in, then PUT with that token) works, and so does Basic with the current password', async () => {
    const { username, password, id } = await newUser();
    const { access_token } = (await http(server, 'POST', '/auth/login', { json: { username, password } })).json as { access_token: string };
    const put = await http(server, 'PUT', `/api/users/${id}`, {
      headers: { authorization: bearer(access_token) },
      json: { name: username, password: 'second-pass' },
    });
    expect(put.status).toBe(200);
    const basicPut = await http(server, 'PUT', `/api/users/${id}`, {
      headers: { authorization: basic(username, 'second-pass') },
      json: { name: username, password: 'third-pass' },
    });
    expect(basicPut.status).toBe(200);
    expect((await http(server, 'POST', '/auth/login', { json: { username, password: 'third-pass' } })).status).toBe(200);
  });

  it('the comparison a stale credential gets is throttled like a login', async () => {
    const throttled = await startTestServer({ env: { RATE_LIMIT_PER_ACCOUNT: '3' } });
    try {
      await gql(throttled, RegisterDocument, { input: { username: 'oracle', password: 'oracle-pass' } });
      const cookie = (await gql(throttled, OpenSessionDocument, { username: 'oracle', password: 'oracle-pass' })).headers.get('set-cookie')!.split(';')[0]!;
      const id = (await gql(throttled, MeDocument, undefined, { cookie })).data!.me!.id;
      const statuses: number[] = [];
      for (const guess of ['a-guess', 'b-guess', 'c-guess', 'oracle-pass']) {
        statuses.push((await http(throttled, 'PUT', `/api/users/${id}`, { headers: { cookie }, json: { name: 'oracle', password: guess } })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await throttled.close();
    }
  });
});

describe('6. TX clients read their own token', () => {
  it('access and refresh tokens carry identity (the integer id), access tokens fresh, and sub stays the UUID', async () => {
    const { username, password, id } = await newUser();
    const pair = (await http(server, 'POST', '/auth/login', { json: { username, password } })).json as { access_token: string; refresh_token: string };
    const access = claimsOf(pair.access_token);
    const refreshClaims = claimsOf(pair.refresh_token);
    expect(access).toMatchObject({ identity: id, fresh: true, type: 'access' });
    expect(access.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(refreshClaims).toMatchObject({ identity: id, type: 'refresh' });
    expect(refreshClaims).not.toHaveProperty('fresh');
    const refreshed = (
      (await http(server, 'POST', '/auth/refresh', { headers: { authorization: bearer(pair.refresh_token) } })).json as { access_token: string }
    ).access_token;
    expect(claimsOf(refreshed)).toMatchObject({ identity: id, fresh: false, type: 'access' });
    const renewed = (await renew({ authorization: bearer(pair.access_token) })).token!;
    expect(claimsOf(renewed)).toMatchObject({ identity: id, fresh: false });
  });
});
