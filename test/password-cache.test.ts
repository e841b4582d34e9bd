import { afterAll, describe, expect, it } from 'vitest';
import { argon2Verifications } from '../src/auth/passwords';
import { VerifiedPasswordCache } from '../src/auth/verifiedPasswords';
import { loadConfig } from '../src/config';
import { basic, startTestServer, type TestServer } from './support/testServer';

// The verified-password cache (issue 12): Basic user:password on every request runs argon2 once,
// while the database stays the truth and the throttle keeps its answers.

const servers: TestServer[] = [];
async function server(env: Record<string, string> = {}, databaseUrl?: string): Promise<TestServer> {
  const started = await startTestServer({ env: { TRUST_PROXY: 'loopback', ...env }, databaseUrl });
  servers.push(started);
  return started;
}
afterAll(async () => {
  for (const started of servers.reverse()) await started.close();
});

async function resource(target: TestServer, username: string, password: string, ip = '203.0.113.9'): Promise<number> {
  const response = await fetch(`${target.url}/api/resource`, { headers: { authorization: basic(username, password), 'x-forwarded-for': ip } });
  await response.arrayBuffer();
  return response.status;
}

/** The status of a request and how many argon2 verifications it ran in this process. */
async function counted(request: () => Promise<number>): Promise<[number, number]> {
  const before = argon2Verifications();
  const status = await request();
  return [status, argon2Verifications() - before];
}

async function graphql(target: TestServer, query: string, authorization: string): Promise<{ data?: any; errors?: unknown }> {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any };
}

describe('the verified-password cache', () => {
  it('verifies a right password with argon2 once, then answers from the cache', async () => {
    const s = await server();
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 1]);
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 0]);
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 0]);
    // Every hit is still a logged success.
    expect(s.events.filter((e) => e.event === 'login_succeeded')).toHaveLength(3);
  });

  it('never caches a wrong password, which is argon2-verified and throttled every time', async () => {
    const s = await server({ RATE_LIMIT_PER_ACCOUNT: '3', RATE_LIMIT_WINDOW: '900', PASSWORD_CACHE_TTL: '3600' });
    expect(await counted(() => resource(s, 'guest', 'guest'))).toEqual([200, 1]);
    expect(await counted(() => resource(s, 'guest', 'wrong'))).toEqual([401, 1]);
    expect(await counted(() => resource(s, 'guest', 'wrong'))).toEqual([401, 1]);
    // A hit still forgets the account's count, as a verified success does.
    expect(await counted(() => resource(s, 'guest', 'guest'))).toEqual([200, 0]);
    for (let i = 0; i < 3; i += 1) expect(await counted(() => resource(s, 'guest', 'wrong'))).toEqual([401, 1]);
    expect(await counted(() => resource(s, 'guest', 'wrong'))).toEqual([429, 0]);
    // Locked out: the right password is refused, cached or not, as it is before argon2 without a cache.
    expect(await counted(() => resource(s, 'guest', 'guest'))).toEqual([429, 0]);
    expect(s.events.at(-1)).toMatchObject({ event: 'login_throttled', scope: 'account', identifier: 'guest' });
    // From another address the account is not locked, and the cache answers.
    expect(await counted(() => resource(s, 'guest', 'guest', '198.51.100.4'))).toEqual([200, 0]);
    s.clock.advance(901);
    expect(await counted(() => resource(s, 'guest', 'guest'))).toEqual([200, 0]);
  });

  it('keeps refusing an address locked out by its failures, cached password or not', async () => {
    const s = await server({ RATE_LIMIT_PER_IP: '2', RATE_LIMIT_PER_ACCOUNT: '100' });
    expect(await counted(() => resource(s, 'user', 'password', '192.0.2.1'))).toEqual([200, 1]);
    expect(await resource(s, 'nobody', 'x', '192.0.2.1')).toBe(401);
    expect(await resource(s, 'guest', 'x', '192.0.2.1')).toBe(401);
    expect(await counted(() => resource(s, 'user', 'password', '192.0.2.1'))).toEqual([429, 0]);
    expect(s.events.at(-1)).toMatchObject({ event: 'login_throttled', scope: 'ip' });
    expect(await counted(() => resource(s, 'user', 'password', '192.0.2.2'))).toEqual([200, 0]);
  });

  it('misses at once on every instance when the password changes or the account is deleted elsewhere', async () => {
    const a = await server();
    const b = await server({}, a.databaseUrl);
    expect(await counted(() => resource(a, 'user', 'password'))).toEqual([200, 1]);
    expect(await counted(() => resource(a, 'user', 'password'))).toEqual([200, 0]);

    const changed = await graphql(
      b,
      'mutation { changePassword(currentPassword: "password", newPassword: "password-2") { __typename } }',
      basic('user', 'password'),
    );
    expect(changed.data?.changePassword.__typename).toBe('User');
    expect(await counted(() => resource(a, 'user', 'password'))).toEqual([401, 1]);
    expect(await counted(() => resource(a, 'user', 'password-2'))).toEqual([200, 1]);
    expect(await counted(() => resource(a, 'user', 'password-2'))).toEqual([200, 0]);

    const deleted = await graphql(b, 'mutation { deleteMe { __typename } }', basic('user', 'password-2'));
    expect(deleted.errors).toBeUndefined();
    expect(await counted(() => resource(a, 'user', 'password-2'))).toEqual([401, 1]);
  });

  it('is not used by logins that post the password', async () => {
    const s = await server();
    const login = async () => {
      const response = await fetch(`${s.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'user', password: 'password' }),
      });
      await response.arrayBuffer();
      return response.status;
    };
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 1]);
    expect(await counted(login)).toEqual([200, 1]);
    expect(await counted(login)).toEqual([200, 1]);
  });

  it('is off with PASSWORD_CACHE=0', async () => {
    const s = await server({ PASSWORD_CACHE: '0' });
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 1]);
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 1]);
  });

  it('holds at most PASSWORD_CACHE_SIZE entries, evicting the least recently used', async () => {
    const s = await server({ PASSWORD_CACHE_SIZE: '2' });
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 1]);
    expect(await counted(() => resource(s, 'guest', 'guest'))).toEqual([200, 1]);
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 0]);
    // A third pair evicts guest's, used least recently; user's stays.
    expect(await counted(() => resource(s, 'bob@hbtn.io', 'H0lbertonSchool98!'))).toEqual([200, 1]);
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 0]);
    expect(await counted(() => resource(s, 'guest', 'guest'))).toEqual([200, 1]);
  });

  it('trusts an entry for PASSWORD_CACHE_TTL seconds', async () => {
    const s = await server({ PASSWORD_CACHE_TTL: '60' });
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 1]);
    s.clock.advance(59);
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 0]);
    s.clock.advance(2);
    expect(await counted(() => resource(s, 'user', 'password'))).toEqual([200, 1]);
  });

  it('holds no password, only a keyed digest that differs per process', () => {
    const one = new VerifiedPasswordCache({ maxEntries: 10, ttlMs: 1000 });
    const two = new VerifiedPasswordCache({ maxEntries: 10, ttlMs: 1000 });
    one.add('$argon2id$stored', 'correct horse', 0);
    two.add('$argon2id$stored', 'correct horse', 0);
    const entries = (cache: VerifiedPasswordCache) => [...(cache as unknown as { entries: Map<string, number> }).entries.keys()];
    expect(entries(one).join()).not.toContain('correct horse');
    expect(entries(one)[0]!.startsWith('$argon2id$stored\n')).toBe(true);
    expect(entries(one)).not.toEqual(entries(two));
    expect(one.has('$argon2id$stored', 'correct horse', 999)).toBe(true);
    expect(one.has('$argon2id$other', 'correct horse', 999)).toBe(false);
    expect(one.has('$argon2id$stored', 'correct horsE', 999)).toBe(false);
  });

  it('validates its settings', () => {
    expect(loadConfig({})).toMatchObject({ passwordCache: true, passwordCacheSize: 10000, passwordCacheTtlSeconds: 600 });
    expect(() => loadConfig({ PASSWORD_CACHE: 'maybe' })).toThrow('PASSWORD_CACHE must be 1/0');
    expect(() => loadConfig({ PASSWORD_CACHE_SIZE: '0' })).toThrow('PASSWORD_CACHE_SIZE must be at least 1, got 0');
    expect(() => loadConfig({ PASSWORD_CACHE_TTL: 'soon' })).toThrow('PASSWORD_CACHE_TTL must be an integer, got "soon"');
  });
});
