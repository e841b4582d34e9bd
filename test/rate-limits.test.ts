import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthEvent } from '../src/services/authEvents';
import { loadConfig } from '../src/config';
import { startServer, type RunningServer } from '../src/server';
import { throttledAddress } from '../src/services/rateLimits';
import { basic, TestClock, tempDatabase } from './support/testServer';

const WINDOW = 900;
const env = { RATE_LIMIT_PER_ACCOUNT: '5', RATE_LIMIT_PER_IP: '12', RATE_LIMIT_WINDOW: String(WINDOW), TRUST_PROXY: 'loopback' };

interface Started {
  running: RunningServer;
  clock: TestClock;
  events: (AuthEvent & { ip: string })[];
  url: string;
}

async function start(databaseUrl: string, clock = new TestClock(), extra: Record<string, string> = {}): Promise<Started> {
  const events: Started['events'] = [];
  const config = loadConfig({ PORT: '0', DATABASE_URL: databaseUrl, SEED_DEMO: '1', ...env, ...extra });
  const running = await startServer(config, { clock: clock.now, audit: (event) => events.push(event) });
  return { running, clock, events, url: running.url };
}

function loginMutation(count: number, username: string, password: string): string {
  const fields = Array.from({ length: count }, (_, i) => `a${i}: login(username: "${username}", password: "${password}") { __typename }`);
  return `mutation { ${fields.join(' ')} }`;
}

async function graphql(server: Started, query: string, ip: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
}

const db = await tempDatabase();
let server: Started;

beforeAll(async () => {
  server = await start(db.url);
});
afterAll(async () => {
  await server.running.close();
  await db.cleanup();
});

describe('password throttling', () => {
  it('counts aliased GraphQL logins one by one, then answers 429 with Retry-After', async () => {
    const first = await graphql(server, loginMutation(4, 'guest', 'wrong'), '203.0.113.1');
    expect(first.status).toBe(200);
    expect(Object.values(first.body.data)).toEqual(Array(4).fill({ __typename: 'UnauthenticatedError' }));
    // One request, two operations: the fifth attempt is still allowed, the sixth is not.
    const second = await graphql(server, loginMutation(2, 'guest', 'wrong'), '203.0.113.1');
    expect(second.status).toBe(429);
    expect(second.retryAfter).toBe(String(WINDOW));
    expect(second.body.errors[0]).toMatchObject({
      message: 'Too many attempts, try again later',
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: WINDOW },
    });
    expect(server.events.filter((e) => e.event === 'login_throttled')).toHaveLength(1);
  });

  it('does not lock the real user out from their own address', async () => {
    const attacker = await graphql(server, loginMutation(1, 'guest', 'guest'), '203.0.113.1');
    expect(attacker.status).toBe(429);
    const victim = await graphql(server, loginMutation(1, 'guest', 'guest'), '198.51.100.7');
    expect(victim.body.data).toEqual({ a0: { __typename: 'TokenPair' } });
  });

  it('applies to Basic on any request and to every REST login path', async () => {
    for (let i = 0; i < 5; i += 1) {
      const r = await fetch(`${server.url}/api/resource`, { headers: { authorization: basic('user', 'bad'), 'x-forwarded-for': '203.0.113.2' } });
      expect(r.status).toBe(401);
    }
    const graphqlBasic = await graphql(server, '{ me { id } }', '203.0.113.2', { authorization: basic('user', 'password') });
    expect(graphqlBasic.status).toBe(429);
    expect(graphqlBasic.body.errors[0].extensions.code).toBe('RATE_LIMITED');

    const ra = await fetch(`${server.url}/api/token`, { headers: { authorization: basic('user', 'password'), 'x-forwarded-for': '203.0.113.2' } });
    expect(ra.status).toBe(429);
    expect(ra.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await ra.json()).toEqual({ error: 'Too Many Requests', message: 'Too many attempts, try again later' });

    const tx = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.2' },
      body: JSON.stringify({ username: 'user', password: 'password' }),
    });
    expect(tx.status).toBe(429);
    expect(tx.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await tx.json()).toEqual({ error: 'Too Many Requests', message: 'Too many attempts, try again later' });
  });

  it('caps failures per client IP across accounts', async () => {
    const ip = '203.0.113.3';
    for (const name of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']) {
      expect((await graphql(server, loginMutation(2, name, 'x'), ip)).status).toBe(200);
    }
    // 12 failures from this address: even a correct password is refused until the window ends.
    const blocked = await graphql(server, loginMutation(1, 'user', 'password'), ip);
    expect(blocked.status).toBe(429);
    server.clock.advance(WINDOW + 1);
    const later = await graphql(server, loginMutation(1, 'user', 'password'), ip);
    expect(later.body.data).toEqual({ a0: { __typename: 'TokenPair' } });
  });

  it("forgets an account's failures after a successful login", async () => {
    const ip = '203.0.113.4';
    await graphql(server, loginMutation(4, 'user', 'wrong'), ip);
    await graphql(server, loginMutation(1, 'user', 'password'), ip);
    const again = await graphql(server, loginMutation(5, 'user', 'wrong'), ip);
    expect(again.status).toBe(200);
  });

  it('counts long and odd identifiers and forwarded addresses like any other', async () => {
    // Counter keys embed both; they are stored as digests, so length and content do not matter.
    const ip = `junk-${'x'.repeat(4000)}`;
    const name = `${'n'.repeat(3000)}\u0000%00`;
    for (let i = 0; i < 5; i += 1) {
      const r = await fetch(`${server.url}/api/token`, { headers: { authorization: basic(name, 'bad'), 'x-forwarded-for': ip } });
      expect(r.status).toBe(401);
    }
    const sixth = await fetch(`${server.url}/api/token`, { headers: { authorization: basic(name, 'bad'), 'x-forwarded-for': ip } });
    expect(sixth.status).toBe(429);
    // The same name without the NUL is a different account.
    const other = await fetch(`${server.url}/api/token`, { headers: { authorization: basic(`${'n'.repeat(3000)}%00`, 'bad'), 'x-forwarded-for': ip } });
    expect(other.status).toBe(401);
  });

  it('holds against a burst of concurrent guesses at one account', async () => {
    const ip = '203.0.113.8';
    const attempts = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${server.url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify({ username: 'guest', password: 'wrong' }),
        }),
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(25).fill(429)]);
    expect(server.events.filter((e) => e.event === 'login_failed' && e.ip === ip)).toHaveLength(5);
  });

  it('holds against a burst of concurrent guesses across accounts from one address', async () => {
    const ip = '203.0.113.9';
    const attempts = await Promise.all(
      Array.from({ length: 30 }, (_, i) => fetch(`${server.url}/api/token`, { headers: { authorization: basic(`burst${i}`, 'x'), 'x-forwarded-for': ip } })),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(12).fill(401), ...Array(18).fill(429)]);
  });

  it('counts an IPv6 client by its /64', async () => {
    // Twelve failures from twelve addresses of one /64 use up that network's budget...
    for (let i = 0; i < 12; i += 1) {
      const status = (await graphql(server, loginMutation(1, `v6-${i}`, 'x'), `2001:db8:0:7:${i.toString(16)}::1`)).status;
      expect(status).toBe(200);
    }
    const sameNetwork = await graphql(server, loginMutation(1, 'user', 'password'), '2001:0db8:0000:0007:ffff:ffff:ffff:ffff');
    expect(sameNetwork.status).toBe(429);
    // ...while the neighbouring /64 is untouched.
    const nextNetwork = await graphql(server, loginMutation(1, 'user', 'password'), '2001:db8:0:8::1');
    expect(nextNetwork.body.data).toEqual({ a0: { __typename: 'TokenPair' } });
  });

  it('keeps its counters in the database, across a restart', async () => {
    const ip = '203.0.113.5';
    await graphql(server, loginMutation(5, 'guest', 'wrong'), ip);
    await server.running.close();
    server = await start(db.url, server.clock);
    expect((await graphql(server, loginMutation(1, 'guest', 'guest'), ip)).status).toBe(429);
  });
});

describe('X-Forwarded-For', () => {
  it('is ignored unless TRUST_PROXY names the proxy', async () => {
    const other = await tempDatabase();
    const untrusting = await start(other.url, new TestClock(), { TRUST_PROXY: '' });
    try {
      for (let i = 0; i < 5; i += 1) await graphql(untrusting, loginMutation(1, 'guest', 'wrong'), `192.0.2.${i}`);
      // Rotating the header does not help: every attempt counted against 127.0.0.1.
      expect((await graphql(untrusting, loginMutation(1, 'guest', 'guest'), '192.0.2.99')).status).toBe(429);
      expect(untrusting.events.every((e) => e.ip === '127.0.0.1')).toBe(true);
    } finally {
      await untrusting.running.close();
      await other.cleanup();
    }
  });
});

describe('auth event log', () => {
  it('records logins, failures and throttling without passwords or tokens', async () => {
    server.events.length = 0;
    const ip = '203.0.113.6';
    await graphql(server, loginMutation(1, 'guest', 'Sup3r-Secret-Typo'), ip);
    const ok = await graphql(server, 'mutation { login(username: "guest", password: "guest") { ... on TokenPair { accessToken refreshToken } } }', ip);
    await graphql(server, loginMutation(6, 'ghost', 'Sup3r-Secret-Typo'), ip);
    expect(server.events.map((e) => e.event)).toEqual([
      'login_failed',
      'login_succeeded',
      'token_issued',
      'token_issued',
      ...Array(5).fill('login_failed'),
      'login_throttled',
    ]);
    expect(server.events.filter((e) => e.event === 'token_issued').map((e) => 'tokenType' in e && e.tokenType)).toEqual(['refresh', 'access']);
    expect(server.events[0]).toEqual({ event: 'login_failed', identifier: 'guest', reason: 'wrong_password', ip });
    const logged = JSON.stringify(server.events);
    expect(logged).not.toContain('Sup3r-Secret-Typo');
    expect(logged).not.toContain(ok.body.data.login.accessToken);
    expect(logged).not.toContain(ok.body.data.login.refreshToken);
  });
});

describe('throttledAddress', () => {
  it('keeps IPv4 addresses and groups IPv6 by /64', () => {
    expect(throttledAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(throttledAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(throttledAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttledAddress('2001:0DB8:0000:0000:abcd:0:0:1')).toBe('2001:db8:0:0::/64');
    expect(throttledAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(throttledAddress('::1')).toBe('0:0:0:0::/64');
    expect(throttledAddress('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(throttledAddress('not:an:address::x')).toBe('not:an:address::x');
    expect(throttledAddress('unknown')).toBe('unknown');
  });
});
