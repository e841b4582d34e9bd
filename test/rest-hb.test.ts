import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOB_BASIC, curlForm, expectHb, hbLogin, hbUser, sessionCookieOf, TIMESTAMP, UUID } from './support/hb';
import { http, type HttpOptions, type HttpResult } from './support/http';
import { basic, bearer, startTestServer, TestClock, tempDatabase, type TestServer } from './support/testServer';

// HB (Holberton "Session authentication", spec §3) under /api/v1, over Hangar's shared store. The
// task statements' curl transcripts run as written against a default start with demo data; where a
// transcript needs AUTH_TYPE or SESSION_DURATION, its describe block starts a server with them.

const UNAUTHORIZED = { error: 'Unauthorized' };
const FORBIDDEN = { error: 'Forbidden' };
const NOT_FOUND = { error: 'Not found' };
const PLENTY = { RATE_LIMIT_PER_ACCOUNT: '1000', RATE_LIMIT_PER_IP: '1000' };
const BOB_PASSWORD = 'H0lbertonSchool98!';

const withBob = (options: HttpOptions = {}): HttpOptions => ({ ...options, headers: { Authorization: BOB_BASIC, ...options.headers } });

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: PLENTY });
  // The statements' session examples log in as bobsession@hbtn.io, created by their main scripts.
  const created = await http(server, 'POST', '/api/v1/users', withBob({ json: { email: 'bobsession@hbtn.io', password: 'fake pwd' } }));
  expect(created.status).toBe(201);
});
afterAll(() => server.close());

describe('index views (0x01 tasks 0-6)', () => {
  it('GET /api/v1/status and /api/v1/status/ need no credentials', async () => {
    for (const path of ['/api/v1/status', '/api/v1/status/']) {
      const response = await http(server, 'GET', path);
      expectHb(response, 200, { status: 'OK' });
      expect(response.text).toBe('{\n  "status": "OK"\n}\n');
      expect(response.headers.get('content-length')).toBe('21');
    }
  });

  it('GET /api/v1/unauthorized is always 401 (Content-Length 30)', async () => {
    for (const headers of [{}, { Authorization: BOB_BASIC }] as Record<string, string>[]) {
      const response = await http(server, 'GET', '/api/v1/unauthorized', { headers });
      expectHb(response, 401, UNAUTHORIZED);
      expect(response.headers.get('content-length')).toBe('30');
    }
  });

  it('GET /api/v1/forbidden is always 403 (Content-Length 27)', async () => {
    const response = await http(server, 'GET', '/api/v1/forbidden');
    expectHb(response, 403, FORBIDDEN);
    expect(response.headers.get('content-length')).toBe('27');
  });

  it('GET /api/v1/stats counts every user of the shared store', async () => {
    const response = await http(server, 'GET', '/api/v1/stats', withBob());
    expect(response.status).toBe(200);
    const { users } = response.json as { users: number };
    expect(users).toBeGreaterThanOrEqual(4);
    expectHb(response, 200, { users });
  });

  it('GET /api/v1/users: 401 without credentials, 403 with "Authorization: Test", the list with Basic', async () => {
    expectHb(await http(server, 'GET', '/api/v1/users'), 401, UNAUTHORIZED);
    expectHb(await http(server, 'GET', '/api/v1/users', { headers: { Authorization: 'Test' } }), 403, FORBIDDEN);
    const response = await http(server, 'GET', '/api/v1/users', withBob());
    expect(response.status).toBe(200);
    const users = response.json as { email: string | null }[];
    expect(users).toContainEqual(hbUser('bob@hbtn.io'));
    // One store: TX's demo users are HB users too, without an email.
    expect(users.slice(0, 3)).toEqual([hbUser(null), hbUser(null), hbUser('bob@hbtn.io')]);
  });

  it('GET /api/v1/users/me with Basic is bob', async () => {
    expectHb(await http(server, 'GET', '/api/v1/users/me', withBob()), 200, hbUser('bob@hbtn.io'));
  });

  it('a Bearer access token and any Basic login identify the viewer too (decision 2)', async () => {
    const login = await http(server, 'POST', '/auth/login', { json: { username: 'guest', password: 'guest' } });
    const { access_token } = login.json as { access_token: string };
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Authorization: bearer(access_token) } }), 200, hbUser(null));
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Authorization: basic('user', 'password') } }), 200, hbUser(null));
  });
});

describe('session login, users/me and logout (0x02 tasks 7-8)', () => {
  const LOGIN = '/api/v1/auth_session/login';

  it('the documented login errors, in order', async () => {
    expectHb(await http(server, 'POST', LOGIN), 400, { error: 'email missing' });
    expectHb(await http(server, 'POST', LOGIN, curlForm('email=guillaume@hbtn.io')), 400, { error: 'password missing' });
    expectHb(await http(server, 'POST', LOGIN, curlForm('email=guillaume@hbtn.io', 'password=test')), 404, {
      error: 'no user found for this email',
    });
    expectHb(await http(server, 'POST', LOGIN, curlForm('email=bobsession@hbtn.io', 'password=test')), 401, { error: 'wrong password' });
  });

  it('a successful login returns the user (Content-Length 210) and sets the session cookie', async () => {
    const response = await http(server, 'POST', LOGIN, curlForm('email=bobsession@hbtn.io', 'password=fake pwd'));
    expectHb(response, 200, hbUser('bobsession@hbtn.io'));
    expect(response.headers.get('content-length')).toBe('210');
    expect(response.headers.getSetCookie()).toEqual([expect.stringMatching(/^_my_session_id=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=86400$/)]);
    const cookie = sessionCookieOf(response);
    const me = await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: cookie } });
    expectHb(me, 200, response.json);
    expect(me.headers.get('content-length')).toBe('210');
  });

  it('GET on the login path is 405 without any credentials (the path is excluded)', async () => {
    const response = await http(server, 'GET', LOGIN);
    expectHb(response, 405, { error: 'Method Not Allowed' });
    expect(response.headers.get('allow')).toBe('OPTIONS, POST');
  });

  it('logout: GET is 405, DELETE gives {} and the cookie is then refused', async () => {
    const cookie = await hbLogin(server, 'bobsession@hbtn.io', 'fake pwd');
    const headers = { Cookie: cookie };
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers }), 200, hbUser('bobsession@hbtn.io'));
    const get = await http(server, 'GET', '/api/v1/auth_session/logout', { headers });
    expectHb(get, 405, { error: 'Method Not Allowed' });
    expect(get.headers.get('allow')).toBe('DELETE, OPTIONS');
    const logout = await http(server, 'DELETE', '/api/v1/auth_session/logout', { headers });
    expectHb(logout, 200, {});
    expect(logout.text).toBe('{}\n');
    expect(logout.headers.getSetCookie()).toEqual([expect.stringMatching(/^_my_session_id=; .*Max-Age=0/)]);
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers }), 403, FORBIDDEN);
    // The filter answers before logout can look for the (destroyed) session.
    expectHb(await http(server, 'DELETE', '/api/v1/auth_session/logout', { headers }), 403, FORBIDDEN);
    expectHb(await http(server, 'DELETE', '/api/v1/auth_session/logout'), 401, UNAUTHORIZED);
  });

  it("the seed's aliases: POST /api/v1/auth_session logs in, DELETE /api/v1/auth_session logs out", async () => {
    const login = await http(server, 'POST', '/api/v1/auth_session', curlForm('email=bob@hbtn.io', `password=${BOB_PASSWORD}`));
    expectHb(login, 200, hbUser('bob@hbtn.io'));
    const headers = { Cookie: sessionCookieOf(login) };
    expectHb(await http(server, 'DELETE', '/api/v1/auth_session', { headers }), 200, {});
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers }), 403, FORBIDDEN);
    expectHb(await http(server, 'DELETE', '/api/v1/auth_session'), 401, UNAUTHORIZED);
    const get = await http(server, 'GET', '/api/v1/auth_session', withBob());
    expectHb(get, 405, { error: 'Method Not Allowed' });
    expect(get.headers.get('allow')).toBe('DELETE, OPTIONS, POST');
  });

  it('logout without a session cookie (Basic viewer) is 404', async () => {
    expectHb(await http(server, 'DELETE', '/api/v1/auth_session/logout', withBob()), 404, NOT_FOUND);
  });

  it('login reads multipart forms as well', async () => {
    const form = new FormData();
    form.append('email', 'bobsession@hbtn.io');
    form.append('password', 'fake pwd');
    const response = await fetch(`${server.url}/api/v1/auth_session/login`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(hbUser('bobsession@hbtn.io'));
  });

  it('matches the email case-insensitively (issue 11) and never by username', async () => {
    expectHb(await http(server, 'POST', LOGIN, curlForm('email=user', 'password=password')), 404, { error: 'no user found for this email' });
    const upper = await http(server, 'POST', LOGIN, curlForm('email=BOB@hbtn.io', `password=${BOB_PASSWORD}`));
    expect(upper.status).toBe(200);
    expect((upper.json as { email: string }).email).toBe('bob@hbtn.io');
  });

  it('a stale cookie on the login request is replaced by the new one', async () => {
    const response = await http(server, 'POST', LOGIN, {
      ...curlForm('email=bobsession@hbtn.io', 'password=fake pwd'),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: '_my_session_id=stale' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: sessionCookieOf(response) } }), 200, hbUser('bobsession@hbtn.io'));
  });
});

describe('users CRUD', () => {
  async function createUser(email: string, password = 'secret pwd', extra: Record<string, unknown> = {}) {
    const response = await http(server, 'POST', '/api/v1/users', withBob({ json: { email, password, ...extra } }));
    expectHb(response, 201, hbUser(email, (extra.first_name as string) ?? null, (extra.last_name as string) ?? null));
    return response.json as { id: string; created_at: string; updated_at: string };
  }

  it('POST creates a user with a UUID id and equal timestamps, usable at once', async () => {
    const created = await createUser('alice@hbtn.io', 'alice pwd', { first_name: 'Alice', last_name: 'Liddell' });
    expect(created.created_at).toBe(created.updated_at);
    expectHb(await http(server, 'GET', `/api/v1/users/${created.id}`, withBob()), 200, created);
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Authorization: basic('alice@hbtn.io', 'alice pwd') } }), 200, created);
    await hbLogin(server, 'alice@hbtn.io', 'alice pwd');
  });

  it('POST with a taken email is a save failure (emails are unique)', async () => {
    const response = await http(server, 'POST', '/api/v1/users', withBob({ json: { email: 'bob@hbtn.io', password: 'another' } }));
    expectHb(response, 400, { error: expect.stringMatching(/^Can't create User: /) });
  });

  it('GET an unknown or malformed id is 404 {"error": "Not found"}', async () => {
    for (const id of ['9375973a-68c7-46aa-b135-29f79e837495', '1', 'nope', 'ME']) {
      expectHb(await http(server, 'GET', `/api/v1/users/${id}`, withBob()), 404, NOT_FOUND);
    }
  });

  it('PUT updates only your own names; updated_at moves', async () => {
    const created = await createUser('carol@hbtn.io', 'carol pwd');
    const headers = { Authorization: basic('carol@hbtn.io', 'carol pwd') };
    server.clock.advance(5);
    const response = await http(server, 'PUT', `/api/v1/users/${created.id}/`, {
      headers,
      json: { first_name: 'Carol', last_name: null, email: 'ignored@hbtn.io', id: 'ignored' },
    });
    expectHb(response, 200, { ...hbUser('carol@hbtn.io', 'Carol', null), id: created.id, created_at: created.created_at });
    expect((response.json as { updated_at: string }).updated_at).not.toBe(created.updated_at);
    expectHb(await http(server, 'PUT', `/api/v1/users/${created.id}`, { headers, json: { last_name: 'Danvers' } }), 200, {
      ...hbUser('carol@hbtn.io', 'Carol', 'Danvers'),
      id: created.id,
    });
  });

  it("PUT and DELETE on someone else's user are 403 (deviation: self only); unknown ids are 404 first", async () => {
    const victim = await createUser('dave@hbtn.io');
    expectHb(await http(server, 'PUT', `/api/v1/users/${victim.id}`, withBob({ json: { first_name: 'Evil' } })), 403, FORBIDDEN);
    expectHb(await http(server, 'DELETE', `/api/v1/users/${victim.id}`, withBob()), 403, FORBIDDEN);
    const missing = '00000000-0000-4000-8000-000000000000';
    expectHb(await http(server, 'PUT', `/api/v1/users/${missing}`, withBob({ json: {} })), 404, NOT_FOUND);
    expectHb(await http(server, 'DELETE', `/api/v1/users/${missing}`, withBob()), 404, NOT_FOUND);
    expectHb(await http(server, 'GET', `/api/v1/users/${victim.id}`, withBob()), 200, { ...hbUser('dave@hbtn.io'), id: victim.id });
  });

  it('DELETE your own user gives {}; its credentials and sessions stop working', async () => {
    const created = await createUser('erin@hbtn.io', 'erin pwd');
    const cookie = await hbLogin(server, 'erin@hbtn.io', 'erin pwd');
    const response = await http(server, 'DELETE', `/api/v1/users/${created.id}`, { headers: { Cookie: cookie } });
    expectHb(response, 200, {});
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: cookie } }), 403, FORBIDDEN);
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Authorization: basic('erin@hbtn.io', 'erin pwd') } }), 403, FORBIDDEN);
    expectHb(await http(server, 'GET', `/api/v1/users/${created.id}`, withBob()), 404, NOT_FOUND);
  });

  it("a deleted user's access token is 401, as on every face (decision 5)", async () => {
    await createUser('finn@hbtn.io', 'finn pwd');
    const login = await http(server, 'POST', '/auth/login', { json: { username: 'finn@hbtn.io', password: 'finn pwd' } });
    const { access_token: token } = login.json as { access_token: string };
    const me = (await http(server, 'GET', '/api/v1/users/me', { headers: { Authorization: bearer(token) } })).json as { id: string };
    expectHb(await http(server, 'DELETE', `/api/v1/users/${me.id}`, { headers: { Authorization: bearer(token) } }), 200, {});
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Authorization: bearer(token) } }), 401, UNAUTHORIZED);
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Authorization: basic(token, 'x') } }), 401, UNAUTHORIZED);
  });
});

describe('routing under /api/v1', () => {
  it('accepts a trailing slash on every route, without a redirect', async () => {
    const cookie = await hbLogin(server, 'bobsession@hbtn.io', 'fake pwd');
    const me = (await http(server, 'GET', '/api/v1/users/me', withBob())).json as { id: string };
    const cases: [string, string, HttpOptions, number][] = [
      ['GET', '/api/v1/status/', {}, 200],
      ['GET', '/api/v1/stats/', withBob(), 200],
      ['GET', '/api/v1/unauthorized/', {}, 401],
      ['GET', '/api/v1/forbidden/', {}, 403],
      ['GET', '/api/v1/users/', withBob(), 200],
      ['GET', '/api/v1/users/me/', withBob(), 200],
      ['GET', `/api/v1/users/${me.id}/`, withBob(), 200],
      ['PUT', `/api/v1/users/${me.id}/`, withBob({ json: {} }), 200],
      ['POST', '/api/v1/users/', withBob({ json: {} }), 400],
      ['POST', '/api/v1/auth_session/login/', curlForm('email=bob@hbtn.io', `password=${BOB_PASSWORD}`), 200],
      ['POST', '/api/v1/auth_session/', curlForm('email=bob@hbtn.io', `password=${BOB_PASSWORD}`), 200],
      ['DELETE', '/api/v1/auth_session/logout/', { headers: { Cookie: cookie } }, 200],
    ];
    for (const [method, path, options, status] of cases) {
      const response = await http(server, method, path, options);
      expect({ method, path, status: response.status }).toEqual({ method, path, status });
      expect(response.headers.get('content-type')).toBe('application/json');
    }
  });

  it('the filter runs before routing: unknown paths are 401/403 first, then 404 JSON', async () => {
    for (const path of ['/api/v1/nop', '/api/v1/', '/api/v1', '/api/v1/users/me/extra', '/api/v1/Status']) {
      expectHb(await http(server, 'GET', path), 401, UNAUTHORIZED);
      expectHb(await http(server, 'GET', path, { headers: { Authorization: 'Test' } }), 403, FORBIDDEN);
      expectHb(await http(server, 'GET', path, withBob()), 404, NOT_FOUND);
    }
  });

  it('wrong methods are a JSON 405 with Allow, after the filter', async () => {
    expectHb(await http(server, 'PATCH', '/api/v1/users'), 401, UNAUTHORIZED);
    const cases: [string, string, string][] = [
      ['PATCH', '/api/v1/users', 'GET, HEAD, OPTIONS, POST'],
      ['POST', '/api/v1/users/me', 'DELETE, GET, HEAD, OPTIONS, PUT'],
      ['POST', '/api/v1/stats', 'GET, HEAD, OPTIONS'],
      ['DELETE', '/api/v1/status/', 'GET, HEAD, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await http(server, method, path, withBob());
      expectHb(response, 405, { error: 'Method Not Allowed' });
      expect(response.headers.get('allow')).toBe(allow);
    }
  });

  it('OPTIONS passes through the filter, then lists the methods', async () => {
    expectHb(await http(server, 'OPTIONS', '/api/v1/users'), 401, UNAUTHORIZED);
    const response = await http(server, 'OPTIONS', '/api/v1/users', withBob());
    expect(response.status).toBe(200);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    const status = await http(server, 'OPTIONS', '/api/v1/status');
    expect(status.status).toBe(200);
  });

  it('HEAD is answered wherever GET is', async () => {
    const response = await fetch(`${server.url}/api/v1/status`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('21');
    expect(await response.text()).toBe('');
    const anonymous = await fetch(`${server.url}/api/v1/users`, { method: 'HEAD' });
    expect(anonymous.status).toBe(401);
  });

  it('PUT /api/v1/users/me names no user (only GET knows "me")', async () => {
    expectHb(await http(server, 'PUT', '/api/v1/users/me', withBob({ json: {} })), 404, NOT_FOUND);
  });
});

describe('CORS (Flask-Cors, origins "*")', () => {
  it('no Origin: Access-Control-Allow-Origin *, on errors too', async () => {
    for (const [path, status] of [
      ['/api/v1/status', 200],
      ['/api/v1/users', 401],
      ['/api/v1/nop', 401],
    ] as const) {
      const response = await http(server, 'GET', path);
      expect(response.status).toBe(status);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('vary')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('an Origin is echoed with Vary: Origin', async () => {
    const response = await http(server, 'GET', '/api/v1/users/me', withBob({ headers: { Origin: 'https://app.example' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it("preflight gets the methods and echoed headers, but the filter's status", async () => {
    const preflight = {
      Origin: 'https://app.example',
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'X-Custom, Content-Type',
    };
    const anonymous = await http(server, 'OPTIONS', '/api/v1/users', { headers: preflight });
    expectHb(anonymous, 401, UNAUTHORIZED);
    const withCredentials = await http(server, 'OPTIONS', '/api/v1/users', withBob({ headers: preflight }));
    for (const response of [anonymous, withCredentials]) {
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(response.headers.get('access-control-allow-methods')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
      expect(response.headers.get('access-control-allow-headers')).toBe('Content-Type, X-Custom');
    }
    expect(withCredentials.status).toBe(200);
  });

  it('paths outside /api/v1 get no CORS headers', async () => {
    const response = await http(server, 'GET', '/api/users', { headers: { Origin: 'https://app.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('credentials reaching the filter', () => {
  it('presence decides 401 vs 403: an empty header or empty cookie is 403', async () => {
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Authorization: '' } }), 403, FORBIDDEN);
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id=' } }), 403, FORBIDDEN);
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id=Holberton' } }), 403, FORBIDDEN);
    // §3.4: `--cookie "_my_session_id=C is fun"` is a (dead) session id with spaces, so 403, not 401.
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id=C is fun' } }), 403, FORBIDDEN);
    // A bare token is not a cookie of that name; another cookie is no credential.
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id_fake' } }), 401, UNAUTHORIZED);
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: 'other=1' } }), 401, UNAUTHORIZED);
  });

  it("§3.3's bob100 header: the password itself holds colons (0x01 task 12)", async () => {
    const created = await http(server, 'POST', '/api/v1/users', withBob({ json: { email: 'bob100@hbtn.io', password: 'H0lberton:School:98!' } }));
    expect(created.status).toBe(201);
    const bob100 = { headers: { Authorization: 'Basic Ym9iMTAwQGhidG4uaW86SDBsYmVydG9uOlNjaG9vbDo5OCE=' } };
    expectHb(await http(server, 'GET', '/api/v1/users/me', bob100), 200, hbUser('bob100@hbtn.io'));
  });

  it('cookie values are read with quotes removed', async () => {
    const cookie = await hbLogin(server, 'bobsession@hbtn.io', 'fake pwd');
    const [name, value] = cookie.split('=');
    expectHb(await http(server, 'GET', '/api/v1/users/me', { headers: { Cookie: `a=b; ${name}="${value}"` } }), 200, hbUser('bobsession@hbtn.io'));
  });

  it('an oversized body is refused before its password is checked', async () => {
    const before = server.events.length;
    const response = await http(server, 'PUT', '/api/v1/users/me', withBob({ json: { first_name: 'x'.repeat(200_000) } }));
    expectHb(response, 413, { error: 'Request Entity Too Large' });
    expect(server.events.slice(before).filter((e) => e.event.startsWith('login_'))).toEqual([]);
  });

  it('wrong passwords are throttled (429 with Retry-After) rather than guessed forever', async () => {
    const throttled = await startTestServer({ env: { RATE_LIMIT_PER_ACCOUNT: '2' } });
    try {
      const attempt = () => http(throttled, 'POST', '/api/v1/auth_session/login', curlForm('email=bob@hbtn.io', 'password=guess'));
      expect((await attempt()).status).toBe(401);
      expect((await attempt()).status).toBe(401);
      const response = await attempt();
      expectHb(response, 429, { error: 'Too Many Requests' });
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      const basicGuess = await http(throttled, 'GET', '/api/v1/users', { headers: { Authorization: basic('bob@hbtn.io', 'guess') } });
      expectHb(basicGuess, 429, { error: 'Too Many Requests' });
    } finally {
      await throttled.close();
    }
  });
});

describe('bad input never gets a 500 or HTML', () => {
  type Case = { name: string; method: string; path: string; options?: HttpOptions; status: number; body: unknown };
  const json = (body: string, contentType: string | null = 'application/json'): HttpOptions =>
    withBob({ body, headers: contentType === null ? {} : { 'Content-Type': contentType } });
  const anyUser = '00000000-0000-4000-8000-000000000000';
  let bobId: string;

  beforeAll(async () => {
    bobId = ((await http(server, 'GET', '/api/v1/users/me', withBob())).json as { id: string }).id;
  });

  const cases = (): Case[] => [
    { name: 'malformed JSON', method: 'POST', path: '/api/v1/users', options: json('{"email": '), status: 400, body: { error: 'Wrong format' } },
    { name: 'empty body', method: 'POST', path: '/api/v1/users', options: json(''), status: 400, body: { error: 'Wrong format' } },
    {
      name: 'wrong content type',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": "x@hbtn.io", "password": "pwd1"}', 'text/plain'),
      status: 400,
      body: { error: 'Wrong format' },
    },
    {
      name: 'no content type',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": "x@hbtn.io", "password": "pwd1"}', null),
      status: 400,
      body: { error: 'Wrong format' },
    },
    {
      name: 'form body to users',
      method: 'POST',
      path: '/api/v1/users',
      options: withBob(curlForm('email=x@hbtn.io', 'password=pwd1')),
      status: 400,
      body: { error: 'Wrong format' },
    },
    { name: 'JSON array', method: 'POST', path: '/api/v1/users', options: json('[{"email": "x@hbtn.io"}]'), status: 400, body: { error: 'Wrong format' } },
    { name: 'JSON null', method: 'POST', path: '/api/v1/users', options: json('null'), status: 400, body: { error: 'Wrong format' } },
    { name: 'JSON string', method: 'POST', path: '/api/v1/users', options: json('"x@hbtn.io"'), status: 400, body: { error: 'Wrong format' } },
    {
      name: 'invalid UTF-8',
      method: 'POST',
      path: '/api/v1/users',
      options: withBob({ body: Buffer.from([0x7b, 0xff, 0x7d]), headers: { 'Content-Type': 'application/json' } }),
      status: 400,
      body: { error: 'Wrong format' },
    },
    {
      name: 'gzip body that is not gzip',
      method: 'POST',
      path: '/api/v1/users',
      options: withBob({ body: '{"email": "x@hbtn.io"}', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } }),
      status: 400,
      body: { error: 'Bad Request' },
    },
    {
      name: 'unsupported content encoding',
      method: 'POST',
      path: '/api/v1/users',
      options: withBob({ body: '{}', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'compress' } }),
      status: 415,
      body: { error: 'Unsupported Media Type' },
    },
    { name: 'missing email', method: 'POST', path: '/api/v1/users', options: json('{"password": "pwd1"}'), status: 400, body: { error: 'email missing' } },
    {
      name: 'empty email',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": "", "password": "pwd1"}'),
      status: 400,
      body: { error: 'email missing' },
    },
    {
      name: 'missing password',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": "x@hbtn.io"}'),
      status: 400,
      body: { error: 'password missing' },
    },
    {
      name: 'empty password',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": "x@hbtn.io", "password": ""}'),
      status: 400,
      body: { error: 'password missing' },
    },
    {
      name: 'numeric email',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": 5, "password": "pwd1"}'),
      status: 400,
      body: { error: "Can't create User: email must be a string" },
    },
    {
      name: 'null email',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": null, "password": "pwd1"}'),
      status: 400,
      body: { error: "Can't create User: email must be a string" },
    },
    {
      name: 'boolean password',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": "x@hbtn.io", "password": true}'),
      status: 400,
      body: { error: "Can't create User: password must be a string" },
    },
    {
      name: 'object first_name',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": "x@hbtn.io", "password": "pwd1", "first_name": {}}'),
      status: 400,
      body: { error: "Can't create User: first_name must be a string" },
    },
    {
      name: 'not an email',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": "bob", "password": "pwd1"}'),
      status: 400,
      body: { error: "Can't create User: email: Not a valid email address." },
    },
    {
      name: 'short password',
      method: 'POST',
      path: '/api/v1/users',
      options: json('{"email": "x@hbtn.io", "password": "pw"}'),
      status: 400,
      body: { error: "Can't create User: password: Shorter than minimum length 4." },
    },
    {
      name: 'overlong last_name',
      method: 'POST',
      path: '/api/v1/users',
      options: json(JSON.stringify({ email: 'x@hbtn.io', password: 'pwd1', last_name: 'x'.repeat(256) })),
      status: 400,
      body: { error: "Can't create User: last_name: Longer than maximum length 255." },
    },
    {
      name: 'body over the limit (users)',
      method: 'POST',
      path: '/api/v1/users',
      options: json(JSON.stringify({ email: 'x@hbtn.io', password: 'x'.repeat(200_000) })),
      status: 413,
      body: { error: 'Request Entity Too Large' },
    },
    {
      name: 'body over the limit (login)',
      method: 'POST',
      path: '/api/v1/auth_session/login',
      options: curlForm(`email=${'x'.repeat(200_000)}`),
      status: 413,
      body: { error: 'Request Entity Too Large' },
    },
    { name: 'PUT malformed JSON', method: 'PUT', path: `/api/v1/users/{bob}`, options: json('{first_name: 1}'), status: 400, body: { error: 'Wrong format' } },
    {
      name: 'PUT wrong content type',
      method: 'PUT',
      path: `/api/v1/users/{bob}`,
      options: json('{"first_name": "Bob"}', 'text/plain'),
      status: 400,
      body: { error: 'Wrong format' },
    },
    { name: 'PUT JSON array', method: 'PUT', path: `/api/v1/users/{bob}`, options: json('[]'), status: 400, body: { error: 'Wrong format' } },
    {
      name: 'PUT numeric first_name',
      method: 'PUT',
      path: `/api/v1/users/{bob}`,
      options: json('{"first_name": 7}'),
      status: 400,
      body: { error: "Can't update User: first_name must be a string" },
    },
    {
      name: 'PUT overlong first_name',
      method: 'PUT',
      path: `/api/v1/users/{bob}`,
      options: json(JSON.stringify({ first_name: 'x'.repeat(256) })),
      status: 400,
      body: { error: "Can't update User: first_name: Longer than maximum length 255." },
    },
    {
      name: 'PUT body over the limit',
      method: 'PUT',
      path: `/api/v1/users/{bob}`,
      options: json(JSON.stringify({ first_name: 'x'.repeat(200_000) })),
      status: 413,
      body: { error: 'Request Entity Too Large' },
    },
    { name: 'PUT unknown id', method: 'PUT', path: `/api/v1/users/${anyUser}`, options: json('{}'), status: 404, body: NOT_FOUND },
    { name: 'GET unknown id', method: 'GET', path: `/api/v1/users/${anyUser}`, options: withBob(), status: 404, body: NOT_FOUND },
    { name: 'GET numeric id', method: 'GET', path: '/api/v1/users/3', options: withBob(), status: 404, body: NOT_FOUND },
    { name: 'DELETE non-numeric, non-UUID id', method: 'DELETE', path: '/api/v1/users/abc', options: withBob(), status: 404, body: NOT_FOUND },
    { name: 'bad percent-encoding in an id', method: 'GET', path: '/api/v1/users/%E0%A4%A', options: withBob(), status: 400, body: { error: 'Bad Request' } },
    {
      name: 'login with a JSON body',
      method: 'POST',
      path: '/api/v1/auth_session/login',
      options: { body: '{"email": "bob@hbtn.io", "password": "x"}', headers: { 'Content-Type': 'application/json' } },
      status: 400,
      body: { error: 'email missing' },
    },
    {
      name: 'login with a query string',
      method: 'POST',
      path: '/api/v1/auth_session/login?email=bob@hbtn.io&password=x',
      status: 400,
      body: { error: 'email missing' },
    },
    {
      name: 'login with bad percent-encoding',
      method: 'POST',
      path: '/api/v1/auth_session/login',
      options: curlForm('email=%ZZ', 'password=x'),
      status: 404,
      body: { error: 'no user found for this email' },
    },
    {
      name: 'login with a broken multipart body',
      method: 'POST',
      path: '/api/v1/auth_session/login',
      options: { body: 'garbage', headers: { 'Content-Type': 'multipart/form-data; boundary=zz' } },
      status: 400,
      body: { error: 'email missing' },
    },
    {
      name: 'login with an empty password',
      method: 'POST',
      path: '/api/v1/auth_session/login',
      options: curlForm('email=bob@hbtn.io', 'password='),
      status: 400,
      body: { error: 'password missing' },
    },
    {
      name: 'Basic not base64',
      method: 'GET',
      path: '/api/v1/users',
      options: { headers: { Authorization: 'Basic Holberton School' } },
      status: 403,
      body: FORBIDDEN,
    },
    { name: 'Basic invalid base64', method: 'GET', path: '/api/v1/users', options: { headers: { Authorization: 'Basic !!!!' } }, status: 403, body: FORBIDDEN },
    { name: 'Basic not UTF-8', method: 'GET', path: '/api/v1/users', options: { headers: { Authorization: 'Basic test' } }, status: 403, body: FORBIDDEN },
    {
      name: 'Basic without a colon',
      method: 'GET',
      path: '/api/v1/users',
      options: { headers: { Authorization: `Basic ${Buffer.from('bob@hbtn.io').toString('base64')}` } },
      status: 403,
      body: FORBIDDEN,
    },
    { name: 'Basic with no value', method: 'GET', path: '/api/v1/users', options: { headers: { Authorization: 'Basic' } }, status: 403, body: FORBIDDEN },
    {
      name: 'Basic with a wrong password',
      method: 'GET',
      path: '/api/v1/users',
      options: { headers: { Authorization: basic('bob@hbtn.io', 'nope') } },
      status: 403,
      body: FORBIDDEN,
    },
    {
      name: 'Bearer not a JWT',
      method: 'GET',
      path: '/api/v1/users',
      options: { headers: { Authorization: 'Bearer not-a-token' } },
      status: 403,
      body: FORBIDDEN,
    },
    { name: 'unknown scheme', method: 'GET', path: '/api/v1/users', options: { headers: { Authorization: 'Test' } }, status: 403, body: FORBIDDEN },
    { name: 'POST to users/me', method: 'POST', path: '/api/v1/users/me', options: json('{}'), status: 405, body: { error: 'Method Not Allowed' } },
  ];

  it('answers each case with the dialect status and JSON body', async () => {
    for (const testCase of cases()) {
      const response = await http(server, testCase.method, testCase.path.replace('{bob}', bobId), testCase.options);
      expect({ case: testCase.name, status: response.status, body: response.json }).toEqual({
        case: testCase.name,
        status: testCase.status,
        body: testCase.body,
      });
      expect(response.headers.get('content-type'), testCase.name).toBe('application/json');
    }
    // Nothing above changed bob.
    expectHb(await http(server, 'GET', '/api/v1/users/me', withBob()), 200, hbUser('bob@hbtn.io'));
  });
});

describe('SESSION_NAME and SESSION_DURATION', () => {
  it('SESSION_NAME names the cookie', async () => {
    const named = await startTestServer({ env: { SESSION_NAME: 'hb_sid' } });
    try {
      const cookie = await hbLogin(named, 'bob@hbtn.io', BOB_PASSWORD, 'hb_sid');
      expect(cookie).toMatch(/^hb_sid=/);
      expectHb(await http(named, 'GET', '/api/v1/users/me', { headers: { Cookie: cookie } }), 200, hbUser('bob@hbtn.io'));
      const other = `_my_session_id=${cookie.split('=')[1]}`;
      expectHb(await http(named, 'GET', '/api/v1/users/me', { headers: { Cookie: other } }), 401, UNAUTHORIZED);
    } finally {
      await named.close();
    }
  });

  it('expiry (0x02 task 9, SESSION_DURATION=60): usable for 60 s inclusive, then 403', async () => {
    const expiring = await startTestServer({ env: { AUTH_TYPE: 'session_exp_auth', SESSION_DURATION: '60' } });
    try {
      const login = await http(expiring, 'POST', '/api/v1/auth_session/login', curlForm('email=bob@hbtn.io', `password=${BOB_PASSWORD}`));
      expect(login.headers.getSetCookie()[0]).toMatch(/; Max-Age=60$/);
      const headers = { Cookie: sessionCookieOf(login) };
      expectHb(await http(expiring, 'GET', '/api/v1/users/me', { headers }), 200, hbUser('bob@hbtn.io'));
      expiring.clock.advance(10);
      expectHb(await http(expiring, 'GET', '/api/v1/users/me', { headers }), 200, hbUser('bob@hbtn.io'));
      expiring.clock.advance(50);
      expectHb(await http(expiring, 'GET', '/api/v1/users/me', { headers }), 200, hbUser('bob@hbtn.io'));
      expiring.clock.advance(1);
      expectHb(await http(expiring, 'GET', '/api/v1/users/me', { headers }), 403, FORBIDDEN);
    } finally {
      await expiring.close();
    }
  });

  it('SESSION_DURATION=0 never expires and sets no Max-Age', async () => {
    const forever = await startTestServer({ env: { AUTH_TYPE: 'session_db_auth', SESSION_DURATION: '0' } });
    try {
      const login = await http(forever, 'POST', '/api/v1/auth_session/login', curlForm('email=bob@hbtn.io', `password=${BOB_PASSWORD}`));
      expect(login.headers.getSetCookie()).toEqual([expect.stringMatching(/^_my_session_id=[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/)]);
      forever.clock.advance(10 * 365 * 24 * 3600);
      expectHb(await http(forever, 'GET', '/api/v1/users/me', { headers: { Cookie: sessionCookieOf(login) } }), 200, hbUser('bob@hbtn.io'));
    } finally {
      await forever.close();
    }
  });

  it('sessions survive a restart (0x02 task 10, session_db_auth)', async () => {
    const db = await tempDatabase();
    const clock = new TestClock();
    const env = { AUTH_TYPE: 'session_db_auth', SESSION_DURATION: '60' };
    try {
      const first = await startTestServer({ databaseUrl: db.url, clock, env });
      const cookie = await hbLogin(first, 'bob@hbtn.io', BOB_PASSWORD);
      await first.close();
      const second = await startTestServer({ databaseUrl: db.url, clock, env });
      try {
        expectHb(await http(second, 'GET', '/api/v1/users/me', { headers: { Cookie: cookie } }), 200, hbUser('bob@hbtn.io'));
        clock.advance(61);
        expectHb(await http(second, 'GET', '/api/v1/users/me', { headers: { Cookie: cookie } }), 403, FORBIDDEN);
      } finally {
        await second.close();
      }
    } finally {
      await db.cleanup();
    }
  });
});

describe('AUTH_TYPE restricts the mechanisms /api/v1 accepts', () => {
  let token: string;
  const servers: Record<string, TestServer> = {};

  beforeAll(async () => {
    for (const type of ['basic_auth', 'session_auth', 'auth']) servers[type] = await startTestServer({ env: { AUTH_TYPE: type } });
    const login = await http(servers.session_auth!, 'POST', '/auth/login', { json: { username: 'user', password: 'password' } });
    token = (login.json as { access_token: string }).access_token;
  });
  afterAll(async () => {
    for (const running of Object.values(servers)) await running.close();
  });

  it('basic_auth (0x02 task 0): Basic works, "Authorization: Test" is 403, cookies are ignored, login is 404', async () => {
    const basicServer = servers.basic_auth!;
    expectHb(await http(basicServer, 'GET', '/api/v1/status'), 200, { status: 'OK' });
    expectHb(await http(basicServer, 'GET', '/api/v1/users'), 401, UNAUTHORIZED);
    expectHb(await http(basicServer, 'GET', '/api/v1/users', { headers: { Authorization: 'Test' } }), 403, FORBIDDEN);
    const list = await http(basicServer, 'GET', '/api/v1/users', withBob());
    expect(list.status).toBe(200);
    expect(list.json).toContainEqual(hbUser('bob@hbtn.io'));
    const me = await http(basicServer, 'GET', '/api/v1/users/me', withBob());
    expectHb(me, 200, hbUser('bob@hbtn.io'));
    expect(me.headers.get('content-length')).toBe('203');
    expectHb(await http(basicServer, 'GET', '/api/v1/users/me', { headers: { Authorization: bearer(token) } }), 403, FORBIDDEN);
    expectHb(await http(basicServer, 'POST', '/api/v1/auth_session/login', curlForm('email=bob@hbtn.io', `password=${BOB_PASSWORD}`)), 404, NOT_FOUND);
    expectHb(await http(basicServer, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id=anything' } }), 403, FORBIDDEN);
  });

  it('session_auth (0x02 tasks 1-6): Basic alone is 403, the cookie identifies, Bearer is 403', async () => {
    const sessionServer = servers.session_auth!;
    expectHb(await http(sessionServer, 'GET', '/api/v1/status/'), 200, { status: 'OK' });
    expectHb(await http(sessionServer, 'GET', '/api/v1/users/me'), 401, UNAUTHORIZED);
    expectHb(await http(sessionServer, 'GET', '/api/v1/users/me', withBob()), 403, FORBIDDEN);
    expectHb(await http(sessionServer, 'GET', '/api/v1/users/me', { headers: { Authorization: bearer(token) } }), 403, FORBIDDEN);
    const cookie = await hbLogin(sessionServer, 'bob@hbtn.io', BOB_PASSWORD);
    expectHb(await http(sessionServer, 'GET', '/api/v1/users/me', { headers: { Cookie: cookie } }), 200, hbUser('bob@hbtn.io'));
    // The header is ignored for identity: the cookie still counts when one comes along.
    const both = { Cookie: cookie, Authorization: basic('guest', 'guest') };
    expectHb(await http(sessionServer, 'GET', '/api/v1/users/me', { headers: both }), 200, hbUser('bob@hbtn.io'));
    expectHb(await http(sessionServer, 'GET', '/api/v1/users/me', { headers: { Cookie: '_my_session_id=Holberton' } }), 403, FORBIDDEN);
  });

  it('auth: every protected request with credentials is 403', async () => {
    const authServer = servers.auth!;
    expectHb(await http(authServer, 'GET', '/api/v1/status'), 200, { status: 'OK' });
    expectHb(await http(authServer, 'GET', '/api/v1/users'), 401, UNAUTHORIZED);
    expectHb(await http(authServer, 'GET', '/api/v1/users', withBob()), 403, FORBIDDEN);
    expectHb(await http(authServer, 'GET', '/api/v1/users', { headers: { Authorization: bearer(token) } }), 403, FORBIDDEN);
  });
});

describe('spec §6 bodies, byte for byte', () => {
  it('every HB body has the documented length', async () => {
    const checks: [Promise<HttpResult>, string][] = [
      [http(server, 'GET', '/api/v1/status'), '{\n  "status": "OK"\n}\n'],
      [http(server, 'GET', '/api/v1/users'), '{\n  "error": "Unauthorized"\n}\n'],
      [http(server, 'GET', '/api/v1/users', { headers: { Authorization: 'Test' } }), '{\n  "error": "Forbidden"\n}\n'],
      [http(server, 'GET', '/api/v1/nop', withBob()), '{\n  "error": "Not found"\n}\n'],
      [http(server, 'POST', '/api/v1/auth_session/login'), '{\n  "error": "email missing"\n}\n'],
      [http(server, 'POST', '/api/v1/auth_session/login', curlForm('email=bob@hbtn.io')), '{\n  "error": "password missing"\n}\n'],
      [http(server, 'POST', '/api/v1/auth_session/login', curlForm('email=nobody@hbtn.io', 'password=x')), '{\n  "error": "no user found for this email"\n}\n'],
      [http(server, 'POST', '/api/v1/auth_session/login', curlForm('email=bob@hbtn.io', 'password=x')), '{\n  "error": "wrong password"\n}\n'],
      [http(server, 'POST', '/api/v1/users', withBob({ body: 'nope' })), '{\n  "error": "Wrong format"\n}\n'],
    ];
    for (const [pending, text] of checks) {
      const response = await pending;
      expect(response.text).toBe(text);
      expect(response.headers.get('content-length')).toBe(String(text.length));
    }
  });

  it('the user JSON is sorted, pretty and uses the seed timestamp format', async () => {
    const response = await http(server, 'GET', '/api/v1/users/me', withBob());
    const user = response.json as { id: string; created_at: string; updated_at: string };
    expect(user.id).toMatch(UUID);
    expect(user.created_at).toMatch(TIMESTAMP);
    expect(response.text).toBe(
      `{\n  "created_at": "${user.created_at}", \n  "email": "bob@hbtn.io", \n  "first_name": null, \n  "id": "${user.id}", \n` +
        `  "last_name": null, \n  "updated_at": "${user.updated_at}"\n}\n`,
    );
  });
});
