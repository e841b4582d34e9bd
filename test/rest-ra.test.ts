import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOf, http, JWT, type HttpResult } from './support/http';
import { basic, bearer, startTestServer, type TestServer } from './support/testServer';

// RA (miguelgrinberg/REST-auth) over Hangar's shared store. The README's example runs in order
// below. The demo data already holds users 1-3, so miguel is user 4 (the README shows 1).

let server: TestServer;
let miguelToken: string;

const README_TOKEN = 'eyJhbGciOiJIUzI1NiIsImV4cCI6MTM4NTY2OTY1NSwiaWF0IjoxMzg1NjY5MDU1fQ.eyJpZCI6MX0.XbOEFJkhjHJ5uRINh2JA1BPzXjSohKYDRT472wGOvjc';

function expectUnauthorized(response: HttpResult): void {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Basic realm="Authentication Required"');
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(response.text).toBe('Unauthorized Access');
}

function expectJson(response: HttpResult, status: number, body: unknown): void {
  expect({ status: response.status, body: response.json }).toEqual({ status, body });
  expect(response.headers.get('content-type')).toBe('application/json');
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('README example', () => {
  it('registers miguel', async () => {
    const response = await http(server, 'POST', '/api/users', {
      headers: { 'Content-Type': 'application/json' },
      body: '{"username":"miguel","password":"python"}',
    });
    // RA clients read `username`; the shared shape also carries TX's id and name (decision 3).
    expectJson(response, 201, { id: 4, name: 'miguel', username: 'miguel' });
    expect(response.headers.get('location')).toBe(`http://${hostOf(server)}/api/users/4`);
  });

  it('the credentials reach the protected resource', async () => {
    const response = await http(server, 'GET', '/api/resource', { headers: { Authorization: basic('miguel', 'python') } });
    expectJson(response, 200, { data: 'Hello, miguel!' });
    expect(response.headers.get('content-length')).toBe('31');
  });

  it('wrong credentials are refused', async () => {
    const response = await http(server, 'GET', '/api/resource', { headers: { Authorization: basic('miguel', 'ruby') } });
    expectUnauthorized(response);
    expect(response.headers.get('content-length')).toBe('19');
  });

  it('GET /api/token returns a token and its duration', async () => {
    const response = await http(server, 'GET', '/api/token', { headers: { Authorization: basic('miguel', 'python') } });
    expectJson(response, 200, { duration: 600, token: expect.stringMatching(JWT) });
    miguelToken = (response.json as { token: string }).token;
  });

  it('the token stands in for the password, whatever the password field holds', async () => {
    for (const password of ['x', 'unused', '']) {
      const response = await http(server, 'GET', '/api/resource', { headers: { Authorization: basic(miguelToken, password) } });
      expectJson(response, 200, { data: 'Hello, miguel!' });
    }
  });

  it("the README's 2013 token is not accepted (decision 5)", async () => {
    expectUnauthorized(await http(server, 'GET', '/api/resource', { headers: { Authorization: basic(README_TOKEN, 'x') } }));
    expectUnauthorized(await http(server, 'GET', '/api/token', { headers: { Authorization: basic(README_TOKEN, 'x') } }));
  });

  it('a valid token fetches a fresh token', async () => {
    const response = await http(server, 'GET', '/api/token', { headers: { Authorization: basic(miguelToken, 'x') } });
    expectJson(response, 200, { duration: 600, token: expect.stringMatching(JWT) });
    const fresh = (response.json as { token: string }).token;
    expect(fresh).not.toBe(miguelToken);
    expectJson(await http(server, 'GET', '/api/resource', { headers: { Authorization: basic(fresh, 'x') } }), 200, { data: 'Hello, miguel!' });
  });

  it('GET /api/users/4 returns the user; a missing one is a 404 JSON (decision 4)', async () => {
    expectJson(await http(server, 'GET', '/api/users/4'), 200, { id: 4, name: 'miguel', username: 'miguel' });
    expectJson(await http(server, 'GET', '/api/users/999'), 404, { error: 'Not Found' });
  });
});

describe('registration (decision 3)', () => {
  it('a taken username', async () => {
    expectJson(await http(server, 'POST', '/api/users', { json: { username: 'miguel', password: 'python' } }), 400, {
      error: 'Bad Request',
      message: 'User already exists.',
    });
  });

  it.each<[string, unknown, unknown]>([
    ['missing password', { username: 'someone' }, { password: ['Missing data for required field.'] }],
    ['missing username', { password: 'secret' }, { name: ['Missing data for required field.'] }],
    ['null username', { username: null, password: 'secret' }, { username: ['Field may not be null.'] }],
    ['numeric password', { username: 'someone', password: 1234 }, { password: ['Not a valid string.'] }],
    ['short password', { username: 'someone', password: 'abc' }, { password: ['Shorter than minimum length 4.'] }],
    ['extra key', { username: 'someone', password: 'secret', admin: true }, { admin: ['Unknown field.'] }],
  ])('%s → TX 400', async (_name, json, message) => {
    expectJson(await http(server, 'POST', '/api/users', { json }), 400, { error: 'Bad Request', message });
  });
});

describe('credentials (decision 2)', () => {
  it('Bearer carries a token too', async () => {
    expectJson(await http(server, 'GET', '/api/resource', { headers: { Authorization: bearer(miguelToken) } }), 200, { data: 'Hello, miguel!' });
  });

  it('an email address logs in with Basic', async () => {
    const response = await http(server, 'GET', '/api/resource', { headers: { Authorization: basic('bob@hbtn.io', 'H0lbertonSchool98!') } });
    expectJson(response, 200, { data: 'Hello, bob@hbtn.io!' });
  });

  it('the session cookie identifies the viewer', async () => {
    const opened = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { openSession(username: "guest", password: "guest") { __typename } }' }),
    });
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    expectJson(await http(server, 'GET', '/api/resource', { headers: { cookie } }), 200, { data: 'Hello, guest!' });
  });

  it('a refresh token is not an access token', async () => {
    const login = await http(server, 'POST', '/auth/login', { json: { username: 'miguel', password: 'python' } });
    const { refresh_token } = login.json as { refresh_token: string };
    expectUnauthorized(await http(server, 'GET', '/api/resource', { headers: { Authorization: basic(refresh_token, 'x') } }));
  });

  it("a deleted user's token stops working (decision 5)", async () => {
    await http(server, 'POST', '/api/users', { json: { username: 'shortlived', password: 'secret' } });
    const issued = await http(server, 'GET', '/api/token', { headers: { Authorization: basic('shortlived', 'secret') } });
    const { token } = issued.json as { token: string };
    const id = ((await http(server, 'GET', '/api/users')).json as { id: number; username: string }[]).find((u) => u.username === 'shortlived')!.id;
    expect((await http(server, 'DELETE', `/api/users/${id}`, { headers: { Authorization: basic(token, 'x') } })).status).toBe(204);
    expectUnauthorized(await http(server, 'GET', '/api/resource', { headers: { Authorization: basic(token, 'x') } }));
  });
});

describe('bad input', () => {
  const big = JSON.stringify({ username: 'x'.repeat(200 * 1024), password: 'secret' });

  it.each<[string, () => Record<string, string>]>([
    ['no credentials', () => ({})],
    ['Basic that is not base64', () => ({ Authorization: 'Basic %%%not-base64%%%' })],
    ['Basic without a colon', () => ({ Authorization: `Basic ${Buffer.from('miguel').toString('base64')}` })],
    ['Basic with invalid UTF-8', () => ({ Authorization: `Basic ${Buffer.from([0xff, 0x3a, 0x41]).toString('base64')}` })],
    ['Basic with nothing after it', () => ({ Authorization: 'Basic' })],
    ['empty Basic credentials', () => ({ Authorization: basic('', '') })],
    ['unknown user', () => ({ Authorization: basic('nobody', 'python') })],
    ['unknown scheme', () => ({ Authorization: 'Digest abc' })],
    ['Bearer garbage', () => ({ Authorization: bearer('not.a.jwt') })],
    ['tampered token', () => ({ Authorization: basic(`${miguelToken.slice(0, miguelToken.lastIndexOf('.'))}.${'A'.repeat(43)}`, 'x') })],
    ['forged session cookie', () => ({ cookie: '_my_session_id=forged' })],
  ])('%s → 401 Unauthorized Access', async (_name, headers) => {
    for (const path of ['/api/token', '/api/resource']) expectUnauthorized(await http(server, 'GET', path, { headers: headers() }));
  });

  it.each<[string, string, string, { headers?: Record<string, string>; body?: string | Buffer }, number]>([
    ['malformed JSON', 'POST', '/api/users', { headers: { 'content-type': 'application/json' }, body: '{"username": "x"' }, 400],
    ['empty body', 'POST', '/api/users', { headers: { 'content-type': 'application/json' } }, 400],
    [
      'curl -d without a JSON type',
      'POST',
      '/api/users',
      { body: 'username=miguel&password=python', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      400,
    ],
    ['multipart form', 'POST', '/api/users', { body: '--b\r\n\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' } }, 400],
    ['too large', 'POST', '/api/users', { headers: { 'content-type': 'application/json' }, body: big }, 413],
    ['non-numeric id', 'GET', '/api/users/miguel', {}, 404],
    ['unknown id', 'GET', '/api/users/0', {}, 404],
    ['wrong method on /api/token', 'POST', '/api/token', {}, 405],
    ['wrong method on /api/resource', 'DELETE', '/api/resource', {}, 405],
  ])('%s → JSON error', async (_name, method, path, request, status) => {
    const response = await http(server, method, path, request);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.json).toMatchObject({ error: expect.any(String) });
  });

  it('405 names the allowed methods', async () => {
    const response = await http(server, 'PUT', '/api/token');
    expectJson(response, 405, { error: 'Method Not Allowed' });
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('an expired token is refused', async () => {
    server.clock.advance(server.running.runtime.config.accessTokenSeconds + 1);
    expectUnauthorized(await http(server, 'GET', '/api/resource', { headers: { Authorization: basic(miguelToken, 'x') } }));
    expectJson(await http(server, 'GET', '/api/resource', { headers: { Authorization: basic('miguel', 'python') } }), 200, { data: 'Hello, miguel!' });
  });
});

describe('TOKEN_DURATION', () => {
  it('is the duration RA reports', async () => {
    const other = await startTestServer({ env: { TOKEN_DURATION: '120' } });
    try {
      const response = await http(other, 'GET', '/api/token', { headers: { Authorization: basic('user', 'password') } });
      expectJson(response, 200, { duration: 120, token: expect.stringMatching(JWT) });
    } finally {
      await other.close();
    }
  });
});
