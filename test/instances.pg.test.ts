import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_REUSE_GRACE_SECONDS } from '../src/services/tokens';
import { CloseSessionDocument, LoginDocument, MeDocument, OpenSessionDocument, RefreshTokenDocument, RegisterDocument } from './operations/generated';
import { tempPostgresDatabase } from './support/database';
import { authEvents, gql, killStarted, POSTGRES_ADMIN_URL, startMain, type ServerProcess } from './support/serverProcess';

// Three server processes on one PostgreSQL database, as behind a load balancer: every piece of
// auth state lives in the database, so what one instance does the others see at once.

const ACCOUNT_LIMIT = 5;
const db = await tempPostgresDatabase(POSTGRES_ADMIN_URL);
const env = { PORT: '0', DATABASE_URL: db.url, RATE_LIMIT_PER_ACCOUNT: String(ACCOUNT_LIMIT), RATE_LIMIT_PER_IP: '1000' };
const processes = { A: startMain(env), B: startMain(env), C: startMain(env) };
let a: string;
let b: string;
let c: string;

interface TokenPair {
  accessToken: string;
  refreshToken: string;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basicUser = { authorization: `Basic ${Buffer.from('user:password').toString('base64')}` };

async function login(url: string, username = 'user', password = 'password'): Promise<TokenPair> {
  const result = (await gql(url, LoginDocument, { username, password })).data?.login;
  if (result?.__typename !== 'TokenPair') throw new Error(`login failed: ${JSON.stringify(result)}`);
  return result;
}

async function rotate(url: string, refreshToken: string): Promise<TokenPair> {
  const result = (await gql(url, RefreshTokenDocument, { refreshToken })).data?.refreshToken;
  if (result?.__typename !== 'TokenPair') throw new Error(`refresh failed: ${JSON.stringify(result)}`);
  return result;
}

const meAs = async (url: string, headers: Record<string, string>) => {
  const result = await gql(url, MeDocument, undefined, headers);
  return { status: result.status, username: result.data?.me?.username ?? null, error: result.errors?.[0]?.message ?? null };
};

/**
 * The process's output once every event it logged before now is in: a Basic login on it logs
 * one more event, and its stdout is one ordered pipe.
 */
async function settledOutput(server: ServerProcess, url: string): Promise<string> {
  const before = authEvents(server.output()).length;
  expect((await meAs(url, basicUser)).username).toBe('user');
  return server.waitFor((output) =>
    authEvents(output)
      .slice(before)
      .some((event) => event.event === 'login_succeeded')
      ? output
      : undefined,
  );
}

// Reuse detection needs a rotated refresh token older than the grace window, and a child
// process's clock cannot be moved. The rotation happens first, so the window runs out while the
// other tests run; the reuse test waits only for what is left of it.
let rotated: { original: TokenPair; current: TokenPair; concurrent: TokenPair; at: number };

beforeAll(async () => {
  [a, b, c] = await Promise.all([processes.A.listening, processes.B.listening, processes.C.listening]);
  const original = await login(a);
  const current = await rotate(a, original.refreshToken);
  const at = Date.now();
  // Within the grace window a replay is taken for a concurrent refresh from the same client.
  const concurrent = await rotate(b, original.refreshToken);
  rotated = { original, current, concurrent, at };
});
afterAll(async () => {
  await killStarted();
  await db.cleanup();
});

describe('three server processes on one PostgreSQL database', () => {
  it('accept on B and C a login made on A', async () => {
    const { accessToken } = await login(a);
    expect(await meAs(b, bearer(accessToken))).toMatchObject({ status: 200, username: 'user' });
    expect(await meAs(c, bearer(accessToken))).toMatchObject({ status: 200, username: 'user' });
  });

  it('refuse on A and B the tokens logged out on C', async () => {
    const { accessToken, refreshToken } = await login(a);
    const logout = await fetch(`${c}/auth/logout`, { method: 'DELETE', headers: bearer(accessToken) });
    expect(logout.status).toBe(200);
    const logout2 = await fetch(`${c}/auth/logout2`, { method: 'DELETE', headers: bearer(refreshToken) });
    expect(logout2.status).toBe(200);
    for (const url of [a, b]) {
      expect(await meAs(url, bearer(accessToken))).toMatchObject({ status: 401, username: null, error: 'Token has been revoked' });
      const refreshed = await fetch(`${url}/auth/refresh`, { method: 'POST', headers: bearer(refreshToken) });
      expect(refreshed.status).toBe(401);
    }
  });

  it('share sessions: opened on A, valid on B, closed on B, gone on A', async () => {
    const opened = await gql(a, OpenSessionDocument, { username: 'guest', password: 'guest' });
    expect(opened.data?.openSession.__typename).toBe('OpenedSession');
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    expect(await meAs(b, { cookie })).toMatchObject({ status: 200, username: 'guest' });
    const closed = await gql(b, CloseSessionDocument, undefined, { cookie });
    expect(closed.data?.closeSession.__typename).toBe('ClosedSession');
    expect(await meAs(a, { cookie })).toMatchObject({ status: 401, username: null });
    expect(await meAs(c, { cookie })).toMatchObject({ status: 401, username: null });
  });

  it('share throttle counters atomically: a concurrent burst over all three gets RATE_LIMIT_PER_ACCOUNT password checks', async () => {
    const urls = [a, b, c];
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${urls[i % 3]}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'guest', password: 'wrong' }),
        }),
      ),
    );
    const statuses = attempts.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(ACCOUNT_LIMIT).fill(401), ...Array(30 - ACCOUNT_LIMIT).fill(429)]);
    // The password checks themselves, counted in each instance's auth log.
    const outputs = await Promise.all([settledOutput(processes.A, a), settledOutput(processes.B, b), settledOutput(processes.C, c)]);
    const checks = outputs.flatMap((output) => authEvents(output)).filter((e) => e.event === 'login_failed' && e.identifier === 'guest');
    expect(checks).toHaveLength(ACCOUNT_LIMIT);
  });

  it('give exactly one of 20 concurrent registrations of one name, spread over the three, and no 5xx', async () => {
    const urls = [a, b, c];
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => gql(urls[i % 3]!, RegisterDocument, { input: { username: 'contested', password: 'password' } })),
    );
    expect(attempts.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(attempts.filter((r) => r.errors)).toEqual([]);
    const kinds = attempts.map((r) => r.data!.register.__typename);
    expect(kinds.filter((k) => k === 'User')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'ConflictError')).toHaveLength(19);
  });

  it('detect refresh-token reuse across instances: rotated on A, replayed on B, the whole login ends everywhere', async () => {
    const { original, current, concurrent } = rotated;
    expect(await meAs(c, bearer(concurrent.accessToken))).toMatchObject({ status: 200, username: 'user' });
    await sleep(Math.max(0, rotated.at + REFRESH_REUSE_GRACE_SECONDS * 1000 + 500 - Date.now()));

    const replay = await gql(b, RefreshTokenDocument, { refreshToken: original.refreshToken });
    expect(replay.data?.refreshToken.__typename).toBe('UnauthenticatedError');
    const reuse = await processes.B.waitFor((output) =>
      authEvents(output).find((e) => e.event === 'token_family_revoked' && e.reason === 'refresh_token_reuse'),
    );
    expect(reuse).toBeDefined();
    // The tokens the rotation on A handed out belong to the revoked family.
    expect((await gql(c, RefreshTokenDocument, { refreshToken: current.refreshToken })).data?.refreshToken.__typename).toBe('UnauthenticatedError');
    expect(await meAs(a, bearer(current.accessToken))).toMatchObject({ status: 401, error: 'Token has been revoked' });
    expect(await meAs(c, bearer(original.accessToken))).toMatchObject({ status: 401, error: 'Token has been revoked' });
    expect(await meAs(b, bearer(concurrent.accessToken))).toMatchObject({ status: 401, error: 'Token has been revoked' });
  });
});
