import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { REFRESH_REUSE_GRACE_SECONDS } from '../src/services/tokens';
import { http } from './support/http';
import { parseMetrics, valueOf, type Sample } from './support/prometheus';
import { basic, bearer, ENGINE, startTestServer, type TestServer } from './support/testServer';

// /metrics over real HTTP: who may read it, and that real traffic moves the series it should.

const TOKEN = 'metrics-test-token-0123456789';
const scrapeHeaders = { authorization: `Bearer ${TOKEN}` };

let server: TestServer;

async function scrape(target: TestServer = server): Promise<{ text: string; samples: Sample[] }> {
  const response = await http(target, 'GET', '/metrics', { headers: scrapeHeaders });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return { text: response.text, samples: parseMetrics(response.text) };
}

beforeAll(async () => {
  server = await startTestServer({ env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_PER_ACCOUNT: '3', DATABASE_POOL_MAX: '3' } });
});
afterAll(() => server.close());

describe('access to /metrics', () => {
  it('without METRICS_TOKEN or METRICS_PORT, the main port does not serve it', async () => {
    const plain = await startTestServer();
    try {
      const response = await http(plain, 'GET', '/metrics', { headers: scrapeHeaders });
      expect({ status: response.status, json: response.json }).toEqual({ status: 404, json: { error: 'Not Found' } });
      expect(plain.running.metricsUrl).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it('with METRICS_TOKEN, needs exactly that Bearer token (401 in JSON otherwise)', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token-0123456789',
      `Bearer ${TOKEN}x`,
      `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`,
      TOKEN,
    ]) {
      const response = await http(server, 'GET', '/metrics', { headers: authorization ? { authorization } : {} });
      expect({ status: response.status, json: response.json }).toEqual({ status: 401, json: { error: 'Unauthorized' } });
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    }
    expect((await http(server, 'GET', '/metrics', { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200);
    const post = await http(server, 'POST', '/metrics', { headers: scrapeHeaders });
    expect({ status: post.status, allow: post.headers.get('allow'), json: post.json }).toEqual({
      status: 405,
      allow: 'GET, HEAD',
      json: { error: 'Method Not Allowed' },
    });
  });

  it('refuses a short METRICS_TOKEN', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16/);
  });

  it('METRICS_PORT serves /metrics alone on its own listener, on 127.0.0.1 by default', async () => {
    const separate = await startTestServer({ env: { METRICS_PORT: '0' } });
    try {
      const url = separate.running.metricsUrl!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(url).not.toBe(separate.url);
      await http(separate, 'GET', '/api/ships/1');
      const response = await fetch(`${url}/metrics`);
      expect(response.status).toBe(200);
      expect(
        parseMetrics(await response.text()).some((s) => s.name === 'hangar_http_request_duration_seconds_count' && s.labels.route === '/api/ships/:id'),
      ).toBe(true);
      const other = await fetch(`${url}/graphql`);
      expect({ status: other.status, json: await other.json() }).toEqual({ status: 404, json: { error: 'Not Found' } });
      // The main port still does not serve it.
      expect((await http(separate, 'GET', '/metrics')).status).toBe(404);
    } finally {
      await separate.close();
    }
  });

  it('METRICS_PORT with METRICS_TOKEN needs the token there too', async () => {
    const both = await startTestServer({ env: { METRICS_PORT: '0', METRICS_TOKEN: TOKEN } });
    try {
      const url = `${both.running.metricsUrl!}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: scrapeHeaders })).status).toBe(200);
    } finally {
      await both.close();
    }
  });
});

describe('series moved by real traffic', () => {
  it('counts HTTP requests by route pattern and status, never by raw path', async () => {
    const before = (await scrape()).samples;
    const count = (samples: Sample[], labels: Record<string, string>) => valueOf(samples, 'hangar_http_request_duration_seconds_count', labels);
    await http(server, 'GET', '/api/ships/3');
    await http(server, 'GET', '/api/ships/4');
    await http(server, 'GET', '/api/ships/424242');
    await http(server, 'GET', '/no-such-path-8f3a');
    await http(server, 'POST', '/graphql', { json: { query: '{ ship(id: 1) { __typename } }' } });
    const { text, samples } = await scrape();
    expect(
      count(samples, { method: 'GET', route: '/api/ships/:id', status: '200' }) - count(before, { method: 'GET', route: '/api/ships/:id', status: '200' }),
    ).toBe(2);
    expect(
      count(samples, { method: 'GET', route: '/api/ships/:id', status: '404' }) - count(before, { method: 'GET', route: '/api/ships/:id', status: '404' }),
    ).toBe(1);
    expect(count(samples, { method: 'GET', route: 'unmatched', status: '404' }) - count(before, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(count(samples, { method: 'POST', route: '/graphql', status: '200' }) - count(before, { method: 'POST', route: '/graphql', status: '200' })).toBe(1);
    expect(text).not.toContain('no-such-path-8f3a');
    expect(samples.filter((s) => Object.values(s.labels).some((v) => v.includes('424242')))).toEqual([]);
  });

  it('counts logins per face and result, and throttling', async () => {
    const before = (await scrape()).samples;
    const logins = (samples: Sample[], face: string, result: string) => valueOf(samples, 'hangar_auth_logins_total', { face, result });
    expect((await http(server, 'GET', '/api/v1/users/me', { headers: { authorization: basic('bob@hbtn.io', 'wrong') } })).status).toBe(403);
    expect((await http(server, 'GET', '/api/resource', { headers: { authorization: basic('user', 'wrong') } })).status).toBe(401);
    expect((await http(server, 'POST', '/auth/login', { json: { username: 'user', password: 'password' } })).status).toBe(200);
    await http(server, 'POST', '/graphql', { json: { query: 'mutation { login(username: "user", password: "nope") { __typename } }' } });
    const after = (await scrape()).samples;
    expect(logins(after, 'hb', 'failed') - logins(before, 'hb', 'failed')).toBe(1);
    expect(logins(after, 'ra', 'failed') - logins(before, 'ra', 'failed')).toBe(1);
    expect(logins(after, 'tx', 'ok') - logins(before, 'tx', 'ok')).toBe(1);
    expect(logins(after, 'graphql', 'failed') - logins(before, 'graphql', 'failed')).toBe(1);
    expect(logins(after, 'graphql', 'ok') - logins(before, 'graphql', 'ok')).toBe(0);
    expect(valueOf(after, 'hangar_auth_tokens_issued_total', { type: 'access' }) - valueOf(before, 'hangar_auth_tokens_issued_total', { type: 'access' })).toBe(
      1,
    );
    expect(
      valueOf(after, 'hangar_auth_tokens_issued_total', { type: 'refresh' }) - valueOf(before, 'hangar_auth_tokens_issued_total', { type: 'refresh' }),
    ).toBe(1);

    // RATE_LIMIT_PER_ACCOUNT=3: the fourth attempt for guest is throttled.
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await http(server, 'POST', '/auth/login', { json: { username: 'guest', password: 'wrong' } })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const throttled = (await scrape()).samples;
    expect(valueOf(throttled, 'hangar_auth_logins_throttled_total', { face: 'tx', scope: 'account' })).toBe(1);
    expect(logins(throttled, 'tx', 'failed') - logins(after, 'tx', 'failed')).toBe(3);
  });

  it('counts sessions opened and closed, revocations and refresh-token reuse', async () => {
    const before = (await scrape()).samples;
    const login = await http(server, 'POST', '/api/v1/auth_session/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=bob%40hbtn.io&password=H0lbertonSchool98!',
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await http(server, 'DELETE', '/api/v1/auth_session/logout', { headers: { cookie } })).status).toBe(200);

    const pair = await http(server, 'POST', '/auth/login', { json: { username: 'user', password: 'password' } });
    const { access_token: access } = pair.json as { access_token: string };
    expect((await http(server, 'DELETE', '/auth/logout', { headers: { authorization: bearer(access) } })).status).toBe(200);

    const gLogin = await http(server, 'POST', '/graphql', {
      json: { query: 'mutation { login(username: "user", password: "password") { ... on TokenPair { refreshToken } } }' },
    });
    const refresh = (gLogin.json as { data: { login: { refreshToken: string } } }).data.login.refreshToken;
    const rotate = { query: 'mutation ($r: String!) { refreshToken(refreshToken: $r) { __typename } }', variables: { r: refresh } };
    expect((await http(server, 'POST', '/graphql', { json: rotate })).json).toEqual({ data: { refreshToken: { __typename: 'TokenPair' } } });
    server.clock.advance(REFRESH_REUSE_GRACE_SECONDS + 1);
    await http(server, 'POST', '/graphql', { json: rotate });

    const { samples, text } = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => valueOf(samples, name, labels) - valueOf(before, name, labels);
    expect(moved('hangar_auth_sessions_opened_total')).toBe(1);
    expect(moved('hangar_auth_sessions_closed_total', { reason: 'logout' })).toBe(1);
    expect(moved('hangar_auth_tokens_revoked_total', { reason: 'logout' })).toBe(1);
    expect(moved('hangar_auth_tokens_revoked_total', { reason: 'rotated' })).toBe(1);
    expect(moved('hangar_auth_token_families_revoked_total', { reason: 'refresh_token_reuse' })).toBe(1);
    expect(moved('hangar_auth_refresh_token_reuse_total')).toBe(1);
    for (const secret of [cookie.split('=')[1]!, access, refresh, 'H0lbertonSchool98!', TOKEN]) expect(text).not.toContain(secret);
  });

  it('counts and times GraphQL operations by name and type, with bounded names', async () => {
    const before = (await scrape()).samples;
    const run = (query: string, operationName?: string) => http(server, 'POST', '/graphql', { json: { query, operationName } });
    await run('query ShipModel { ship(id: 2) { ... on Ship { model } } }');
    await run('query ShipModel { ship(id: 2) { ... on Ship { model } } }');
    await run('{ ships(first: 1) { __typename } }');
    await run(`query ${'Long'.repeat(20)} { ship(id: 1) { __typename } }`);
    await run('query A { ship(id: 1) { __typename } } mutation B { closeSession { __typename } }', 'B');
    const { samples } = await scrape();
    const ops = (labels: Record<string, string>) =>
      valueOf(samples, 'hangar_graphql_operations_total', labels) - valueOf(before, 'hangar_graphql_operations_total', labels);
    expect(ops({ operation: 'ShipModel', type: 'query', outcome: 'ok' })).toBe(2);
    expect(ops({ operation: 'anonymous', type: 'query', outcome: 'ok' })).toBe(1);
    expect(ops({ operation: 'other', type: 'query', outcome: 'ok' })).toBe(1);
    expect(valueOf(samples, 'hangar_graphql_operation_duration_seconds_count', { operation: 'ShipModel', type: 'query' })).toBeGreaterThanOrEqual(2);
    expect(samples.some((s) => s.labels.operation === 'B' && s.labels.type === 'mutation')).toBe(true);
  });

  it('reports the argon2 gate, the database pool and the process defaults', async () => {
    await http(server, 'GET', '/api/resource', { headers: { authorization: basic('user', 'password') } });
    const { samples } = await scrape();
    expect(valueOf(samples, 'hangar_argon2_queue_wait_seconds_count')).toBeGreaterThan(0);
    expect(valueOf(samples, 'hangar_argon2_operations', { state: 'running' })).toBe(0);
    expect(valueOf(samples, 'hangar_argon2_operations', { state: 'waiting' })).toBe(0);
    expect(valueOf(samples, 'hangar_db_pool_max')).toBe(ENGINE === 'postgresql' ? 3 : 1);
    const used = valueOf(samples, 'hangar_db_pool_connections', { state: 'used' });
    const idle = valueOf(samples, 'hangar_db_pool_connections', { state: 'idle' });
    expect(used + idle).toBeGreaterThanOrEqual(1);
    expect(used + idle).toBeLessThanOrEqual(ENGINE === 'postgresql' ? 3 : 1);
    expect(samples.some((s) => s.name === 'hangar_db_pool_waiting')).toBe(true);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(
        samples.some((s) => s.name === name),
        name,
      ).toBe(true);
    }
  });

  it('keeps each server in a process to its own registry', async () => {
    const other = await startTestServer({ env: { METRICS_TOKEN: TOKEN } });
    try {
      await http(other, 'GET', '/api/v1/users/me', { headers: { authorization: basic('bob@hbtn.io', 'wrong') } });
      const mine = (await scrape(other)).samples;
      expect(valueOf(mine, 'hangar_auth_logins_total', { face: 'hb', result: 'failed' })).toBe(1);
      expect(valueOf(mine, 'hangar_auth_logins_total', { face: 'tx', result: 'ok' })).toBe(0);
    } finally {
      await other.close();
    }
  });
});
