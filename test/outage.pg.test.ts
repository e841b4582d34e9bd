import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultyProxy, type FaultyProxy } from './support/faultyProxy';
import { curlForm } from './support/hb';
import { http, type HttpOptions, type HttpResult } from './support/http';
import { PRIVATE_POSTGRES_AVAILABLE, PRIVATE_POSTGRES_MISSING, startPrivatePostgres, type PrivatePostgres } from './support/privatePostgres';
import { basic, bearer, startTestServer, type TestServer } from './support/testServer';

// PostgreSQL stops under a running Hangar: every face answers 503 in its own shape, quickly, and
// Hangar serves again by itself once the database is back. The cluster is the test's own.

const STATEMENT_TIMEOUT_MS = 1500;
// Refused connections fail at once; a server that stops answering is cut off by pg's client-side
// query_timeout, the statement timeout plus a second. The rest is slack for a loaded machine.
const OUTAGE_BOUND_MS = STATEMENT_TIMEOUT_MS + 1000 + 2500;
const RECOVERY_BOUND_MS = 20_000;

if (!PRIVATE_POSTGRES_AVAILABLE) console.warn(`\n!!!!! ${PRIVATE_POSTGRES_MISSING} !!!!!\n`);

interface Probe {
  name: string;
  send(server: TestServer): Promise<HttpResult>;
  /** How the face answers with the database up. */
  expectServing(response: HttpResult): void;
  /** How it answers with the database down. */
  expectOutage(response: HttpResult): void;
}

const REST_OUTAGE = { status: 503, json: { error: 'Service Unavailable' } };

/** HB answers with Flask-Cors headers, outage or not. */
function expectHbOutage(response: HttpResult): void {
  expectRestOutage(response);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
}

function expectRestOutage(response: HttpResult): void {
  expect({ status: response.status, json: response.json }).toEqual(REST_OUTAGE);
  expect(response.headers.get('content-type')).toBe('application/json');
}

function expectCommonOutage(response: HttpResult): void {
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(response.text).not.toMatch(/\n\s+at |<html|ECONNREFUSED|Knex|postgres/i);
}

const graphqlPost = (query: string, headers: Record<string, string> = {}): HttpOptions => ({ json: { query }, headers });

function probes(credentials: { accessToken: string; raToken: string; hbCookie: string }): Probe[] {
  const graphqlOutage = (response: HttpResult) => {
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    const body = response.json as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
    expect(body.data ?? null).toBeNull();
    expect(body.errors.length).toBeGreaterThan(0);
    for (const error of body.errors) expect(error.extensions.code).toBe('SERVICE_UNAVAILABLE');
  };
  return [
    {
      name: 'GraphQL me with a Bearer token',
      send: (server) => http(server, 'POST', '/graphql', graphqlPost('{ me { id } }', { Authorization: bearer(credentials.accessToken) })),
      expectServing: (response) => expect({ status: response.status, json: response.json }).toEqual({ status: 200, json: { data: { me: { id: 1 } } } }),
      expectOutage: graphqlOutage,
    },
    {
      name: 'GraphQL public ship query',
      send: (server) => http(server, 'POST', '/graphql', graphqlPost('{ ship(id: 4) { ... on Ship { model } } }')),
      expectServing: (response) =>
        expect({ status: response.status, json: response.json }).toEqual({ status: 200, json: { data: { ship: { model: 'BTL-A4 Y-Wing' } } } }),
      expectOutage: graphqlOutage,
    },
    {
      name: 'RA GET /api/resource with a token',
      send: (server) => http(server, 'GET', '/api/resource', { headers: { Authorization: basic(credentials.raToken, 'unused') } }),
      expectServing: (response) => expect({ status: response.status, json: response.json }).toEqual({ status: 200, json: { data: 'Hello, user!' } }),
      expectOutage: expectRestOutage,
    },
    {
      name: 'TX GET /api/ships',
      send: (server) => http(server, 'GET', '/api/ships'),
      expectServing: (response) => {
        expect(response.status).toBe(200);
        expect((response.json as unknown[]).length).toBeGreaterThanOrEqual(15);
      },
      expectOutage: expectRestOutage,
    },
    {
      name: 'TX POST /auth/login',
      send: (server) => http(server, 'POST', '/auth/login', { json: { username: 'user', password: 'password' } }),
      expectServing: (response) => {
        expect(response.status).toBe(200);
        expect(response.json).toHaveProperty('access_token');
      },
      expectOutage: expectRestOutage,
    },
    {
      name: 'HB GET /api/v1/users/me with a session cookie',
      send: (server) => http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: credentials.hbCookie } }),
      expectServing: (response) => {
        expect(response.status).toBe(200);
        expect(response.json).toMatchObject({ email: 'bob@hbtn.io' });
      },
      expectOutage: expectHbOutage,
    },
    {
      name: 'HB POST /api/v1/auth_session/login',
      send: (server) => http(server, 'POST', '/api/v1/auth_session/login', curlForm('email=bob@hbtn.io', 'password=H0lbertonSchool98!')),
      expectServing: (response) => {
        expect(response.status).toBe(200);
        expect(response.json).toMatchObject({ email: 'bob@hbtn.io' });
      },
      expectOutage: expectHbOutage,
    },
    {
      name: 'GET /readyz',
      send: (server) => http(server, 'GET', '/readyz'),
      expectServing: (response) => expect({ status: response.status, json: response.json }).toEqual({ status: 200, json: { status: 'ready' } }),
      expectOutage: (response) => expect({ status: response.status, json: response.json }).toEqual({ status: 503, json: { status: 'unavailable' } }),
    },
  ];
}

async function timed(work: () => Promise<HttpResult>): Promise<{ response: HttpResult; ms: number }> {
  const start = performance.now();
  const response = await work();
  return { response, ms: performance.now() - start };
}

interface Subject {
  server: TestServer;
  checks: Probe[];
}

/** A server on `databaseUrl`, with a token and a session cookie obtained while the database is up. */
async function startSubject(databaseUrl: string): Promise<Subject> {
  const server = await startTestServer({ env: { DATABASE_URL: databaseUrl, DATABASE_STATEMENT_TIMEOUT: String(STATEMENT_TIMEOUT_MS) } });
  const login = await http(
    server,
    'POST',
    '/graphql',
    graphqlPost('mutation { login(username: "user", password: "password") { ... on TokenPair { accessToken } } }'),
  );
  const accessToken = (login.json as { data: { login: { accessToken: string } } }).data.login.accessToken;
  const ra = await http(server, 'GET', '/api/token', { headers: { Authorization: basic('user', 'password') } });
  const raToken = (ra.json as { token: string }).token;
  const hb = await http(server, 'POST', '/api/v1/auth_session/login', curlForm('email=bob@hbtn.io', 'password=H0lbertonSchool98!'));
  const hbCookie = hb.headers.get('set-cookie')!.split(';')[0]!;
  return { server, checks: probes({ accessToken, raToken, hbCookie }) };
}

async function expectAllServing({ server, checks }: Subject): Promise<void> {
  for (const probe of checks) probe.expectServing(await probe.send(server));
}

/** Fills the pool with connections, all of which the outage will cut. */
async function warmPool({ server, checks }: Subject): Promise<void> {
  const responses = await Promise.all([...checks, ...checks].map((probe) => probe.send(server)));
  for (const response of responses) expect(response.status).toBe(200);
}

/** Every probe, one after another, then all at once: each a 503 in its shape, within the bound. Returns the slowest. */
async function expectAllUnavailable({ server, checks }: Subject, { oneByOne = true } = {}): Promise<number> {
  let slowest = 0;
  for (const probe of oneByOne ? checks : []) {
    const { response, ms } = await timed(() => probe.send(server));
    probe.expectOutage(response);
    expectCommonOutage(response);
    expect(ms, probe.name).toBeLessThan(OUTAGE_BOUND_MS);
    slowest = Math.max(slowest, ms);
  }
  const burst = await Promise.all([...checks, ...checks, ...checks].map((probe) => timed(() => probe.send(server)).then((result) => ({ probe, ...result }))));
  for (const { probe, response, ms } of burst) {
    probe.expectOutage(response);
    expectCommonOutage(response);
    expect(ms, probe.name).toBeLessThan(OUTAGE_BOUND_MS);
    slowest = Math.max(slowest, ms);
  }
  const health = await http(server, 'GET', '/healthz');
  expect({ status: health.status, json: health.json }).toEqual({ status: 200, json: { status: 'ok' } });
  return slowest;
}

/** Polls every probe until all are served again: how long that took, and how many rounds failed first. */
async function expectRecovery(subject: Subject, boundMs = RECOVERY_BOUND_MS): Promise<{ ms: number; failedRounds: number }> {
  const start = performance.now();
  let lastFailure: unknown;
  for (let failedRounds = 0; performance.now() - start < boundMs; failedRounds += 1) {
    try {
      await expectAllServing(subject);
      return { ms: performance.now() - start, failedRounds };
    } catch (error) {
      lastFailure = error;
      await sleep(100);
    }
  }
  throw lastFailure;
}

describe.skipIf(!PRIVATE_POSTGRES_AVAILABLE)('a PostgreSQL outage under a running server', () => {
  let cluster: PrivatePostgres | undefined;
  let direct: Subject | undefined;

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    direct = await startSubject(await cluster.createDatabase('hangar'));
  });

  afterAll(async () => {
    try {
      await direct?.server.close();
    } finally {
      await cluster?.destroy();
    }
  });

  it('serves every face while the database is up', async () => {
    await expectAllServing(direct!);
  });

  // Both stops close the server's end of every pooled connection, so no request should fail once
  // the database is back: the first round after the start must already be served.
  it('answers 503 in each face’s shape while PostgreSQL is stopped, and serves again as soon as it is back', async () => {
    await warmPool(direct!);
    await cluster!.stop('fast');
    const slowest = await expectAllUnavailable(direct!);
    await cluster!.start();
    const { ms, failedRounds } = await expectRecovery(direct!);
    expect(failedRounds).toBe(0);
    console.log(`outage (pg_ctl stop -m fast): slowest 503 ${slowest.toFixed(0)} ms; every face served again ${ms.toFixed(0)} ms after the database started`);
  });

  it('does the same when the database crashed (pg_ctl stop -m immediate)', async () => {
    await warmPool(direct!);
    await cluster!.stop('immediate');
    const slowest = await expectAllUnavailable(direct!);
    await cluster!.start();
    const { ms, failedRounds } = await expectRecovery(direct!);
    expect(failedRounds).toBe(0);
    console.log(
      `outage (pg_ctl stop -m immediate): slowest 503 ${slowest.toFixed(0)} ms; every face served again ${ms.toFixed(0)} ms after the database started`,
    );
  });

  describe('when the database stops answering without closing connections (a partition)', () => {
    let proxy: FaultyProxy | undefined;
    let partitioned: Subject | undefined;

    beforeAll(async () => {
      await cluster!.createDatabase('hangar_partition');
      proxy = await startFaultyProxy(cluster!.port);
      partitioned = await startSubject(`postgres://postgres@127.0.0.1:${proxy.port}/hangar_partition`);
    });

    afterAll(async () => {
      try {
        await partitioned?.server.close();
      } finally {
        await proxy?.close();
      }
    });

    it('answers 503 within the bound: connect and query timeouts cut the wait', async () => {
      await warmPool(partitioned!);
      proxy!.partition();
      const slowest = await expectAllUnavailable(partitioned!, { oneByOne: false });
      console.log(`outage (no answer, connections hang): slowest 503 ${slowest.toFixed(0)} ms`);
    });

    // A query that ran out of query_timeout leaves its connection waiting for an answer; the pool
    // must drop such connections (src/db/orm.ts), or Hangar would never serve again.
    it('serves again once the database answers, even though every pooled connection is dead', async () => {
      proxy!.heal();
      const { ms } = await expectRecovery(partitioned!, 5000);
      console.log(`every face served again ${ms.toFixed(0)} ms after the network healed`);
    });
  });
});

describe('starting with the database unreachable', () => {
  it('gives up after DATABASE_STARTUP_TIMEOUT with one line naming the database, password redacted', async () => {
    // Nothing listens on port 1.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: '0', DATABASE_URL: 'postgres://hangar:s3cret-pw@127.0.0.1:1/hangar', DATABASE_STARTUP_TIMEOUT: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const start = performance.now();
    const [code] = await once(child, 'exit');
    const elapsed = performance.now() - start;
    expect(code).not.toBe(0);
    expect(elapsed).toBeGreaterThan(2000);
    expect(elapsed).toBeLessThan(15_000);
    const lines = stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toContain('127.0.0.1:1/hangar');
    expect(lines[0]).toMatch(/unreachable/i);
    expect(stderr + stdout).not.toContain('s3cret-pw');
    expect(stderr).not.toMatch(/\n\s+at /);
    console.log(`start-up gave up after ${elapsed.toFixed(0)} ms: ${lines[0]}`);
  });
});
