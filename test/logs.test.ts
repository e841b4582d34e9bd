import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
import { http, type HttpOptions, type HttpResult } from './support/http';
import { basic, bearer, ENGINE, startTestServer, type TestServer } from './support/testServer';

// Request logs over real HTTP: one line per request with its id, and no secret in any line the
// server writes, whatever face the secret came in on or how the request failed.

const PASSWORD = 'Obs-S3cret-Passw0rd!';
const WRONG_PASSWORD = 'Obs-Wr0ng-Passw0rd!';
const BOOM_PASSWORD = 'Obs-B00m-Passw0rd!';
const USERNAME = 'obs-logger';

let server: TestServer;
/** Every secret a request carried or an answer handed out. */
const secrets = new Set<string>([PASSWORD, WRONG_PASSWORD, BOOM_PASSWORD]);
const exchanges: { method: string; route: string; result: HttpResult }[] = [];

async function send(method: string, path: string, route: string, options: HttpOptions = {}): Promise<HttpResult> {
  const result = await http(server, method, path, options);
  exchanges.push({ method, route, result });
  return result;
}

const gqlBody = (query: string, variables?: Record<string, unknown>) => ({ json: { query, variables } });

/** A failure the database raises on every insert into users, so registering a user answers 500. */
async function breakUserInserts(): Promise<() => Promise<void>> {
  const connection = server.running.runtime.orm.em.getConnection();
  if (ENGINE === 'sqlite') {
    await connection.execute(`create trigger obs_boom before insert on users begin select raise(abort, 'boom'); end`);
    return async () => void (await connection.execute('drop trigger obs_boom'));
  }
  await connection.execute(`create function obs_boom() returns trigger language plpgsql as $$ begin raise exception 'boom'; end $$`);
  await connection.execute('create trigger obs_boom before insert on users for each row execute function obs_boom()');
  return async () => void (await connection.execute('drop trigger obs_boom on users; drop function obs_boom()'));
}

beforeAll(async () => {
  server = await startTestServer();
  const created = await send('POST', '/api/users', '/api/users', { json: { username: USERNAME, password: PASSWORD } });
  expect(created.status).toBe(201);

  // RA: Basic, then the token as the Basic username; a wrong password.
  const basicHeader = basic(USERNAME, PASSWORD);
  secrets.add(basicHeader.slice('Basic '.length));
  const token = await send('GET', '/api/token', '/api/token', { headers: { authorization: basicHeader, 'x-request-id': 'client-chosen.id-1' } });
  expect(token.status).toBe(200);
  const raToken = (token.json as { token: string }).token;
  secrets.add(raToken);
  const tokenAsUser = basic(raToken, 'unused');
  secrets.add(tokenAsUser.slice('Basic '.length));
  expect((await send('GET', '/api/resource', '/api/resource', { headers: { authorization: tokenAsUser } })).status).toBe(200);
  const wrongBasic = basic(USERNAME, WRONG_PASSWORD);
  secrets.add(wrongBasic.slice('Basic '.length));
  expect((await send('GET', '/api/resource', '/api/resource', { headers: { authorization: wrongBasic } })).status).toBe(401);

  // TX: password login, Bearer access, refresh, a failed login.
  const login = await send('POST', '/auth/login', '/auth/login', { json: { username: USERNAME, password: PASSWORD } });
  expect(login.status).toBe(200);
  const { access_token: access, refresh_token: refresh } = login.json as { access_token: string; refresh_token: string };
  secrets.add(access).add(refresh);
  expect((await send('GET', '/api/ships/1', '/api/ships/:id', { headers: { authorization: bearer(access) } })).status).toBe(200);
  const refreshed = await send('POST', '/auth/refresh', '/auth/refresh', { headers: { authorization: bearer(refresh) } });
  expect(refreshed.status).toBe(200);
  secrets.add((refreshed.json as { access_token: string }).access_token);
  expect((await send('POST', '/auth/login', '/auth/login', { json: { username: USERNAME, password: WRONG_PASSWORD } })).status).toBe(401);

  // HB: form login for a session cookie, the cookie, a failed login.
  const hbLogin = await send('POST', '/api/v1/auth_session/login', '/api/v1/auth_session/login', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `email=bob%40hbtn.io&password=${encodeURIComponent('H0lbertonSchool98!')}`,
  });
  expect(hbLogin.status).toBe(200);
  secrets.add('H0lbertonSchool98!');
  const cookie = hbLogin.headers.get('set-cookie')!.split(';')[0]!;
  secrets.add(cookie.split('=')[1]!);
  expect((await send('GET', '/api/v1/users/me', '/api/v1/users/me', { headers: { cookie } })).status).toBe(200);
  const hbWrong = await send('POST', '/api/v1/auth_session/login', '/api/v1/auth_session/login', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `email=bob%40hbtn.io&password=${encodeURIComponent(WRONG_PASSWORD)}`,
  });
  expect(hbWrong.status).toBe(401);

  // GraphQL: login, refresh, Bearer, a cookie session, wrong password, and errors carrying the password.
  const gLogin = await send(
    'POST',
    '/graphql',
    '/graphql',
    gqlBody('mutation ($u: String!, $p: String!) { login(username: $u, password: $p) { ... on TokenPair { accessToken refreshToken } } }', {
      u: USERNAME,
      p: PASSWORD,
    }),
  );
  const pair = (gLogin.json as { data: { login: { accessToken: string; refreshToken: string } } }).data.login;
  secrets.add(pair.accessToken).add(pair.refreshToken);
  const rotated = await send(
    'POST',
    '/graphql',
    '/graphql',
    gqlBody('mutation ($r: String!) { refreshToken(refreshToken: $r) { ... on TokenPair { accessToken refreshToken } } }', { r: pair.refreshToken }),
  );
  const next = (rotated.json as { data: { refreshToken: { accessToken: string; refreshToken: string } } }).data.refreshToken;
  secrets.add(next.accessToken).add(next.refreshToken);
  expect((await send('POST', '/graphql', '/graphql', { ...gqlBody('{ me { id } }'), headers: { authorization: bearer(next.accessToken) } })).json).toEqual({
    data: { me: { id: 4 } },
  });
  const opened = await send(
    'POST',
    '/graphql',
    '/graphql',
    gqlBody(`mutation { openSession(username: "${USERNAME}", password: "${PASSWORD}") { __typename } }`),
  );
  const gCookie = opened.headers.get('set-cookie')!.split(';')[0]!;
  secrets.add(gCookie.split('=')[1]!);
  expect((await send('POST', '/graphql', '/graphql', { ...gqlBody('{ me { username } }'), headers: { cookie: gCookie } })).status).toBe(200);
  expect(
    (await send('POST', '/graphql', '/graphql', { ...gqlBody('{ me { id } }'), headers: { authorization: basic(USERNAME, WRONG_PASSWORD) } })).status,
  ).toBe(401);
  const invalid = await send('POST', '/graphql', '/graphql', gqlBody(`mutation { login(username: "${USERNAME}", password: "${PASSWORD}") { nope } }`));
  expect((invalid.json as { errors: unknown[] }).errors).toHaveLength(1);
  const syntax = await send('POST', '/graphql', '/graphql', gqlBody(`mutation { login(username: "${USERNAME}", password: "${PASSWORD}" `));
  expect((syntax.json as { errors: unknown[] }).errors).toHaveLength(1);

  // 500s: the database refuses the insert; its error message carries the statement's values.
  const restore = await breakUserInserts();
  try {
    for (const [path, route, options] of [
      ['/api/users', '/api/users', { json: { username: 'obs-boom-tx', password: BOOM_PASSWORD } }],
      ['/api/v1/users', '/api/v1/users', { json: { email: 'obs-boom-hb@example.com', password: BOOM_PASSWORD }, headers: { cookie } }],
    ] as const) {
      const failed = await send('POST', path, route, options);
      expect({ status: failed.status, body: failed.json }).toMatchObject({ status: 500, body: { error: 'Internal Server Error' } });
      expect(failed.text).not.toMatch(/boom|insert|at /i);
    }
    const gFailed = await send(
      'POST',
      '/graphql',
      '/graphql',
      gqlBody(`mutation { register(input: {username: "obs-boom-gql", password: "${BOOM_PASSWORD}"}) { __typename } }`),
    );
    expect((gFailed.json as { errors: { message: string }[] }).errors[0]!.message).toBe('Unexpected error.');
    expect(gFailed.text).not.toMatch(/boom|insert/i);
  } finally {
    await restore();
  }
  // Request ids a client may not choose: replaced by a new one.
  for (const id of ['has space', 'x'.repeat(129), 'quote"d', '']) {
    await send('GET', '/healthz', '/healthz', { headers: { 'x-request-id': id } });
  }
  await send('GET', `/no/such/${PASSWORD}`, 'unmatched');
  await server.close();
}, 60_000);

afterAll(() => server.close());

const requestLines = () => server.logs.filter((line) => line.type === 'request');

describe('request log', () => {
  it('writes one line per request, with the id the response echoed, method, route, status and latency', () => {
    const lines = requestLines();
    expect(lines).toHaveLength(exchanges.length);
    for (const { method, route, result } of exchanges) {
      const id = result.headers.get('x-request-id');
      expect(id).toMatch(/^[\w.:@/+=-]{1,128}$/);
      const matching = lines.filter((line) => line.requestId === id);
      expect(matching).toHaveLength(1);
      expect(matching[0]).toMatchObject({ level: result.status >= 500 ? 50 : 30, method, route, status: result.status, msg: 'request' });
      expect(typeof matching[0]!.durationMs).toBe('number');
    }
  });

  it('keeps a well-formed client request id and replaces any other', () => {
    expect(exchanges[1]!.result.headers.get('x-request-id')).toBe('client-chosen.id-1');
    const refused = exchanges.filter((e) => e.route === '/healthz').map((e) => e.result.headers.get('x-request-id'));
    expect(refused).toHaveLength(4);
    for (const id of refused) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names the user once the credentials are verified', () => {
    const byId = (e: (typeof exchanges)[number]) => requestLines().find((line) => line.requestId === e.result.headers.get('x-request-id'))!;
    expect(byId(exchanges[1]!).userId).toBe(4); // Basic on /api/token
    expect(byId(exchanges.find((e) => e.route === '/api/ships/:id')!).userId).toBe(4); // Bearer
    expect(byId(exchanges.find((e) => e.route === '/api/v1/users/me')!).userId).toBe(3); // HB cookie
    expect(byId(exchanges[3]!).userId).toBeUndefined(); // wrong password
  });

  it('logs the auth events through the same logger, with the request id of the request that caused them', () => {
    const auth = server.logs.filter((line) => line.type === 'auth');
    expect(auth.length).toBe(server.events.length);
    const failed = auth.filter((line) => line.event === 'login_failed');
    expect(failed.length).toBeGreaterThanOrEqual(4);
    const ids = new Set(exchanges.map((e) => e.result.headers.get('x-request-id')));
    for (const line of auth) expect(ids.has(line.requestId as string)).toBe(true);
    expect(auth.find((line) => line.event === 'token_issued')!.requestId).toBe('client-chosen.id-1');
  });

  it('logs each 500 once at error level with its stack and request id, without the statement or its values', () => {
    const errors = server.logs.filter((line) => line.type === 'error');
    const failedIds = exchanges
      .filter((e) => e.result.status === 500 || e.result.text.includes('Unexpected error.'))
      .map((e) => e.result.headers.get('x-request-id'));
    expect(failedIds).toHaveLength(3);
    expect(errors.map((line) => line.requestId).sort()).toEqual([...failedIds].sort());
    for (const line of errors) {
      expect(line.level).toBe(50);
      const err = line.err as { type: string; message: string; stack: string };
      expect(err.stack).toMatch(/\n\s+at /);
      expect(JSON.stringify(line)).not.toMatch(/insert into|\$argon2|obs-boom/i);
    }
  });

  it('never writes a password, a Basic header, a token or a session id', () => {
    const all = server.rawLogs.join('');
    expect(all.length).toBeGreaterThan(0);
    expect(secrets.size).toBeGreaterThanOrEqual(15);
    for (const secret of secrets) expect(all.includes(secret), `a log line contains ${secret.slice(0, 12)}…`).toBe(false);
    for (const secret of secrets) {
      // Nor the signature of a JWT on its own.
      const signature = secret.split('.')[2];
      if (signature) expect(all.includes(signature)).toBe(false);
    }
    expect(all).not.toMatch(/authorization|cookie|\$argon2/i);
  });
});

describe('log settings', () => {
  it('validates LOG_LEVEL and LOG_FORMAT', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'SILENT', LOG_FORMAT: 'pretty' })).toMatchObject({ logLevel: 'silent', logFormat: 'pretty' });
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be json or pretty/);
  });

  it('LOG_LEVEL=warn leaves out the request and auth lines', async () => {
    const quiet = await startTestServer({ env: { LOG_LEVEL: 'warn' } });
    try {
      await http(quiet, 'GET', '/healthz');
      await http(quiet, 'GET', '/api/resource', { headers: { authorization: basic('user', 'wrong') } });
    } finally {
      await quiet.close();
    }
    expect(quiet.logs.filter((line) => line.type === 'request' || line.type === 'auth')).toEqual([]);
  });
});
