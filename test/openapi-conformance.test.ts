import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthRouter } from '../src/health';
import { openApiDocument } from '../src/openapi/document';
import { openApiRouter } from '../src/openapi/router';
import { sessionApiRouter } from '../src/rest/sessionApi/router';
import { shipApiRouter } from '../src/rest/shipApi/router';
import { tokenAuthRouter } from '../src/rest/tokenApi/router';
import { BOB_BASIC } from './support/hb';
import { http, type HttpOptions, type HttpResult } from './support/http';
import { basic, bearer, startTestServer, type TestServer } from './support/testServer';

// The document cannot drift from the code: every documented operation is exercised over HTTP with
// its success and each documented error, every answer is checked against the documented status,
// content type, headers and schema, every body the server accepted must fit the documented request
// body, every documented (path, method, status) must be produced, and
// every route the routers serve must be documented.

interface DocResponse {
  headers?: Record<string, { required?: boolean; schema: object }>;
  content?: Record<string, { schema: object }>;
}
interface DocOperation {
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, DocResponse>;
}
interface Doc {
  paths: Record<string, Record<string, DocOperation>>;
  components: { schemas: Record<string, object> };
}

interface Fixtures {
  access: string;
  refresh: string;
  aliceId: number;
  aliceAccess: string;
  aliceRefreshedAccess: string;
  doomedId: number;
  doomedAccess: string;
  logoutAccess: string;
  logoutRefresh: string;
  aliceShip: number;
  aliceDoomedShip: number;
  bobId: string;
  bobCookie: string;
  logoutCookies: string[];
  carolId: string;
  daveId: string;
}

interface Case {
  /** `METHOD /documented/path`. */
  op: string;
  status: number;
  what: string;
  /** The concrete path, when the documented one has parameters. */
  path?: (f: Fixtures) => string;
  request?: (f: Fixtures) => HttpOptions;
}

const EVIL = 'http://evil.example';
const THROTTLED = 'throttled@hbtn.io';
const THROTTLED_BASIC = basic(THROTTLED, 'wrong password');
const SHIP = {
  affiliation: 'Rebel Alliance',
  category: 'Starfighters',
  crew: 1,
  length: 12,
  manufacturer: 'Incom',
  model: 'T-70 X-Wing',
  roles: ['Escort'],
  ship_class: 'Starfighter',
};
const BOB_PASSWORD = 'H0lbertonSchool98!';
const form = (fields: Record<string, string>): HttpOptions => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});
const auth = (authorization: string, extra: HttpOptions = {}): HttpOptions => ({ ...extra, headers: { ...extra.headers, authorization } });

// ---- The table ------------------------------------------------------------------------------

const cases: Case[] = [
  { op: 'GET /healthz', status: 200, what: 'alive' },
  { op: 'GET /readyz', status: 200, what: 'ready' },
  { op: 'GET /openapi.json', status: 200, what: 'the document' },
  { op: 'GET /docs', status: 200, what: 'the page' },

  // RA
  { op: 'GET /api/token', status: 200, what: 'password', request: () => auth(basic('user', 'password')) },
  { op: 'GET /api/token', status: 401, what: 'no credentials' },
  { op: 'GET /api/resource', status: 200, what: 'token as the Basic username', request: (f) => auth(basic(f.access, 'unused')) },
  { op: 'GET /api/resource', status: 401, what: 'a malformed Bearer token', request: () => auth(bearer('not-a-jwt')) },

  // TX
  { op: 'POST /auth/login', status: 200, what: 'password', request: () => ({ json: { username: 'user', password: 'password' } }) },
  { op: 'POST /auth/login', status: 400, what: 'a form body', request: () => form({ username: 'user', password: 'password' }) },
  { op: 'POST /auth/login', status: 400, what: 'a missing password', request: () => ({ json: { username: 'user' } }) },
  { op: 'POST /auth/login', status: 401, what: 'a wrong password', request: () => ({ json: { username: 'guest', password: 'wrong' } }) },
  { op: 'POST /auth/login', status: 429, what: 'throttled', request: () => ({ json: { username: THROTTLED, password: 'wrong password' } }) },
  { op: 'POST /auth/refresh', status: 200, what: 'a refresh token', request: (f) => auth(bearer(f.refresh)) },
  { op: 'POST /auth/refresh', status: 422, what: 'an access token', request: (f) => auth(bearer(f.access)) },
  { op: 'DELETE /auth/logout', status: 200, what: 'an access token', request: (f) => auth(bearer(f.logoutAccess)) },
  { op: 'DELETE /auth/logout', status: 401, what: 'the same token again', request: (f) => auth(bearer(f.logoutAccess)) },
  { op: 'DELETE /auth/logout', status: 422, what: 'a refresh token', request: (f) => auth(bearer(f.refresh)) },
  { op: 'DELETE /auth/logout2', status: 200, what: 'a refresh token', request: (f) => auth(bearer(f.logoutRefresh)) },
  { op: 'DELETE /auth/logout2', status: 401, what: 'the same token again', request: (f) => auth(bearer(f.logoutRefresh)) },
  { op: 'DELETE /auth/logout2', status: 422, what: 'an access token', request: (f) => auth(bearer(f.access)) },

  { op: 'GET /api/users', status: 200, what: 'the list' },
  { op: 'POST /api/users', status: 201, what: "RA's body", request: () => ({ json: { username: 'miguel', password: 'python' } }) },
  { op: 'POST /api/users', status: 201, what: "TX's body", request: () => ({ json: { name: 'toxe', password: 'python' } }) },
  { op: 'POST /api/users', status: 400, what: 'a taken name', request: () => ({ json: { username: 'miguel', password: 'python' } }) },
  { op: 'POST /api/users', status: 400, what: 'invalid fields', request: () => ({ json: { name: 'x', password: 1, extra: true } }) },
  { op: 'POST /api/users', status: 400, what: 'a body id', request: () => ({ json: { id: 50, name: 'withid', password: 'python' } }) },
  { op: 'GET /api/users/{id}', status: 200, what: 'user 1', path: () => '/api/users/1' },
  { op: 'GET /api/users/{id}', status: 404, what: 'no such user', path: () => '/api/users/9999' },
  { op: 'GET /api/users/{id}', status: 404, what: 'not digits', path: () => '/api/users/abc' },
  {
    op: 'PUT /api/users/{id}',
    status: 200,
    what: 'your own, same password',
    path: (f) => `/api/users/${f.aliceId}`,
    request: (f) => auth(bearer(f.aliceAccess), { json: { name: 'alice', password: 'alicepass' } }),
  },
  {
    op: 'PUT /api/users/{id}',
    status: 400,
    what: 'a short name',
    path: (f) => `/api/users/${f.aliceId}`,
    request: (f) => auth(bearer(f.aliceAccess), { json: { name: 'a', password: 'alicepass' } }),
  },
  {
    op: 'PUT /api/users/{id}',
    status: 400,
    what: 'a mismatched id',
    path: (f) => `/api/users/${f.aliceId}`,
    request: (f) => auth(bearer(f.aliceAccess), { json: { id: 1, name: 'alice', password: 'alicepass' } }),
  },
  {
    op: 'PUT /api/users/{id}',
    status: 401,
    what: 'a new password with a token that is not fresh',
    path: (f) => `/api/users/${f.aliceId}`,
    request: (f) => auth(bearer(f.aliceRefreshedAccess), { json: { name: 'alice', password: 'newpassword' } }),
  },
  {
    op: 'PUT /api/users/{id}',
    status: 403,
    what: "someone else's",
    path: (f) => `/api/users/${f.aliceId}`,
    request: (f) => auth(bearer(f.access), { json: { name: 'alice', password: 'alicepass' } }),
  },
  {
    op: 'PUT /api/users/{id}',
    status: 404,
    what: 'not digits',
    path: () => '/api/users/abc',
    request: (f) => auth(bearer(f.access), { json: { name: 'user', password: 'password' } }),
  },
  { op: 'DELETE /api/users/{id}', status: 204, what: 'yourself', path: (f) => `/api/users/${f.doomedId}`, request: (f) => auth(bearer(f.doomedAccess)) },
  {
    op: 'DELETE /api/users/{id}',
    status: 401,
    what: "a deleted user's token",
    path: (f) => `/api/users/${f.doomedId}`,
    request: (f) => auth(bearer(f.doomedAccess)),
  },
  { op: 'DELETE /api/users/{id}', status: 403, what: "someone else's", path: (f) => `/api/users/${f.aliceId}`, request: (f) => auth(bearer(f.access)) },
  { op: 'DELETE /api/users/{id}', status: 404, what: 'not digits', path: () => '/api/users/abc', request: (f) => auth(bearer(f.access)) },

  { op: 'GET /api/ships', status: 200, what: 'the list' },
  { op: 'POST /api/ships', status: 201, what: 'a full ship', request: (f) => auth(bearer(f.access), { json: SHIP }) },
  {
    op: 'POST /api/ships',
    status: 400,
    what: "the README's invalid ship",
    request: (f) => auth(bearer(f.access), { json: { model: 'T-70 X-Wing', crew: 0 } }),
  },
  { op: 'POST /api/ships', status: 400, what: 'a body id', request: (f) => auth(bearer(f.access), { json: { ...SHIP, id: 77 } }) },
  { op: 'GET /api/ships/{id}', status: 200, what: 'ship 2', path: () => '/api/ships/2' },
  { op: 'GET /api/ships/{id}', status: 404, what: 'no such ship', path: () => '/api/ships/9999' },
  {
    op: 'PUT /api/ships/{id}',
    status: 200,
    what: 'your own',
    path: (f) => `/api/ships/${f.aliceShip}`,
    request: (f) => auth(bearer(f.aliceAccess), { json: { ...SHIP, crew: 3 } }),
  },
  {
    op: 'PUT /api/ships/{id}',
    status: 400,
    what: 'bad roles',
    path: (f) => `/api/ships/${f.aliceShip}`,
    request: (f) => auth(bearer(f.aliceAccess), { json: { ...SHIP, roles: ['ok', 5] } }),
  },
  {
    op: 'PUT /api/ships/{id}',
    status: 403,
    what: "someone else's",
    path: (f) => `/api/ships/${f.aliceShip}`,
    request: (f) => auth(bearer(f.access), { json: SHIP }),
  },
  { op: 'PUT /api/ships/{id}', status: 404, what: 'no such ship', path: () => '/api/ships/9999', request: (f) => auth(bearer(f.access), { json: SHIP }) },
  { op: 'DELETE /api/ships/{id}', status: 204, what: 'your own', path: (f) => `/api/ships/${f.aliceDoomedShip}`, request: (f) => auth(bearer(f.aliceAccess)) },
  { op: 'DELETE /api/ships/{id}', status: 403, what: "someone else's", path: (f) => `/api/ships/${f.aliceShip}`, request: (f) => auth(bearer(f.access)) },
  {
    op: 'DELETE /api/ships/{id}',
    status: 404,
    what: 'deleted already',
    path: (f) => `/api/ships/${f.aliceDoomedShip}`,
    request: (f) => auth(bearer(f.aliceAccess)),
  },

  // HB
  { op: 'GET /api/v1/status', status: 200, what: 'up' },
  { op: 'GET /api/v1/unauthorized', status: 401, what: 'always' },
  { op: 'GET /api/v1/forbidden', status: 403, what: 'always' },
  { op: 'GET /api/v1/stats', status: 200, what: 'the cookie', request: (f) => ({ headers: { cookie: f.bobCookie } }) },
  { op: 'GET /api/v1/users', status: 200, what: 'Basic', request: () => auth(BOB_BASIC) },
  { op: 'GET /api/v1/users/me', status: 200, what: 'a Bearer token', request: (f) => auth(bearer(f.access)) },
  {
    op: 'POST /api/v1/users',
    status: 201,
    what: 'a new user',
    request: () => auth(BOB_BASIC, { json: { email: 'erin@hbtn.io', password: 'erinpass', first_name: 'Erin' } }),
  },
  { op: 'POST /api/v1/users', status: 400, what: 'not JSON', request: () => auth(BOB_BASIC, { body: 'email=x', headers: { 'content-type': 'text/plain' } }) },
  { op: 'POST /api/v1/users', status: 400, what: 'no password', request: () => auth(BOB_BASIC, { json: { email: 'frank@hbtn.io' } }) },
  { op: 'POST /api/v1/users', status: 400, what: 'a taken email', request: () => auth(BOB_BASIC, { json: { email: 'erin@hbtn.io', password: 'erinpass' } }) },
  {
    op: 'POST /api/v1/users',
    status: 403,
    what: 'a cross-site write with the cookie',
    request: (f) => ({ json: { email: 'x@hbtn.io', password: 'xpass' }, headers: { cookie: f.bobCookie, origin: EVIL } }),
  },
  { op: 'GET /api/v1/users/{id}', status: 200, what: 'bob', path: (f) => `/api/v1/users/${f.bobId}`, request: () => auth(BOB_BASIC) },
  {
    op: 'GET /api/v1/users/{id}',
    status: 404,
    what: 'no such user',
    path: () => '/api/v1/users/00000000-0000-4000-8000-000000000000',
    request: () => auth(BOB_BASIC),
  },
  {
    op: 'PUT /api/v1/users/{id}',
    status: 200,
    what: 'yourself',
    path: (f) => `/api/v1/users/${f.bobId}`,
    request: (f) => ({ json: { first_name: 'Bob' }, headers: { cookie: f.bobCookie } }),
  },
  {
    op: 'PUT /api/v1/users/{id}',
    status: 400,
    what: 'not JSON',
    path: (f) => `/api/v1/users/${f.bobId}`,
    request: (f) => ({ body: '{', headers: { cookie: f.bobCookie, 'content-type': 'application/json' } }),
  },
  {
    op: 'PUT /api/v1/users/{id}',
    status: 403,
    what: 'someone else',
    path: (f) => `/api/v1/users/${f.daveId}`,
    request: (f) => ({ json: { first_name: 'Eve' }, headers: { cookie: f.bobCookie } }),
  },
  {
    op: 'PUT /api/v1/users/{id}',
    status: 404,
    what: 'no such user',
    path: () => '/api/v1/users/nope',
    request: (f) => ({ json: { first_name: 'X' }, headers: { cookie: f.bobCookie } }),
  },
  {
    op: 'DELETE /api/v1/users/{id}',
    status: 200,
    what: 'yourself',
    path: (f) => `/api/v1/users/${f.carolId}`,
    request: () => auth(basic('carol@hbtn.io', 'carolpass')),
  },
  { op: 'DELETE /api/v1/users/{id}', status: 403, what: 'someone else', path: (f) => `/api/v1/users/${f.daveId}`, request: () => auth(BOB_BASIC) },
  { op: 'DELETE /api/v1/users/{id}', status: 404, what: 'no such user', path: (f) => `/api/v1/users/${f.carolId}`, request: () => auth(BOB_BASIC) },
];

const LOGIN_PATHS = ['/api/v1/auth_session/login', '/api/v1/auth_session'];
const LOGOUT_PATHS = ['/api/v1/auth_session/logout', '/api/v1/auth_session'];
for (const path of LOGIN_PATHS) {
  const op = `POST ${path}`;
  cases.push(
    { op, status: 200, what: 'the form', request: () => form({ email: 'bob@hbtn.io', password: BOB_PASSWORD }) },
    { op, status: 200, what: 'multipart', request: () => multipart({ email: 'bob@hbtn.io', password: BOB_PASSWORD }) },
    { op, status: 400, what: 'JSON instead of a form', request: () => ({ json: { email: 'bob@hbtn.io', password: BOB_PASSWORD } }) },
    { op, status: 401, what: 'a wrong password', request: () => form({ email: 'bob@hbtn.io', password: 'wrong' }) },
    {
      op,
      status: 403,
      what: 'a cross-site login',
      request: () => ({
        ...form({ email: 'bob@hbtn.io', password: BOB_PASSWORD }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: EVIL },
      }),
    },
    { op, status: 404, what: 'an unknown email', request: () => form({ email: 'nobody@hbtn.io', password: 'whatever' }) },
    { op, status: 429, what: 'throttled', request: () => form({ email: THROTTLED, password: 'wrong password' }) },
  );
}
LOGOUT_PATHS.forEach((path, i) => {
  const op = `DELETE ${path}`;
  cases.push(
    { op, status: 200, what: 'the cookie', request: (f) => ({ headers: { cookie: f.logoutCookies[i]! } }) },
    { op, status: 403, what: 'the ended session', request: (f) => ({ headers: { cookie: f.logoutCookies[i]! } }) },
    { op, status: 404, what: 'Basic, no session', request: () => auth(BOB_BASIC) },
  );
});

function multipart(fields: Record<string, string>): HttpOptions {
  const boundary = 'hangar-boundary';
  const body =
    Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}--\r\n`;
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

// Errors every operation of a kind shares, generated for each such operation.
const ONE_PATH: Record<string, (f: Fixtures) => string> = {
  '/api/users/{id}': () => '/api/users/1',
  '/api/ships/{id}': () => '/api/ships/1',
  '/api/v1/users/{id}': (f) => `/api/v1/users/${f.bobId}`,
};
const TX_ACCESS = ['DELETE /auth/logout', 'PUT /api/users/{id}', 'DELETE /api/users/{id}', 'POST /api/ships', 'PUT /api/ships/{id}', 'DELETE /api/ships/{id}'];
const TX_REFRESH = ['POST /auth/refresh', 'DELETE /auth/logout2'];
const TX_WRITES = ['POST /auth/login', 'POST /api/users', ...TX_ACCESS, ...TX_REFRESH];
const HB_FILTERED = [
  'GET /api/v1/stats',
  'GET /api/v1/users',
  'POST /api/v1/users',
  'GET /api/v1/users/me',
  'GET /api/v1/users/{id}',
  'PUT /api/v1/users/{id}',
  'DELETE /api/v1/users/{id}',
  ...LOGOUT_PATHS.map((path) => `DELETE ${path}`),
];
const WITH_BODY = [
  'POST /auth/login',
  'POST /api/users',
  'PUT /api/users/{id}',
  'POST /api/ships',
  'PUT /api/ships/{id}',
  'POST /api/v1/users',
  'PUT /api/v1/users/{id}',
  ...LOGIN_PATHS.map((path) => `POST ${path}`),
];
const pathOf = (op: string) => op.split(' ')[1]!;
const generic = (op: string, status: number, what: string, request: (f: Fixtures) => HttpOptions): Case => ({
  op,
  status,
  what,
  path: ONE_PATH[pathOf(op)],
  request,
});

for (const op of [...TX_ACCESS, ...TX_REFRESH]) cases.push(generic(op, 401, 'no credentials', () => ({})));
for (const op of TX_ACCESS) {
  cases.push(generic(op, 422, 'a token that is not a JWT', () => auth(bearer('not-a-jwt'))));
  cases.push(generic(op, 429, 'throttled Basic', () => auth(THROTTLED_BASIC)));
}
for (const op of TX_WRITES) cases.push(generic(op, 403, 'cross-site with Basic', () => auth(basic('user', 'password'), { headers: { origin: EVIL } })));
for (const op of ['GET /api/token', 'GET /api/resource']) cases.push(generic(op, 429, 'throttled Basic', () => auth(THROTTLED_BASIC)));
for (const op of HB_FILTERED) {
  cases.push(generic(op, 401, 'no credentials', () => ({})));
  cases.push(generic(op, 403, 'an unknown scheme', () => auth('Test')));
  cases.push(generic(op, 429, 'throttled Basic', () => auth(THROTTLED_BASIC)));
}
for (const op of WITH_BODY) {
  cases.push(generic(op, 413, 'a body over BODY_LIMIT_BYTES', () => ({ body: 'x'.repeat(100 * 1024 + 1), headers: { 'content-type': 'application/json' } })));
  cases.push(
    generic(op, 415, 'an unknown Content-Encoding', () => ({ body: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'x-unknown' } })),
  );
}

// ---- Checking answers against the document ---------------------------------------------------

let server: TestServer;
let unready: TestServer;
let doc: Doc;
let fixtures: Fixtures;
const produced = new Set<string>();
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(JSON.parse(key.replaceAll('#/components/schemas/', 'hangar:components#/$defs/')));
    validators.set(key, validate);
  }
  return validate;
}

function expectConforms(op: string, result: HttpResult): void {
  const [method, path] = op.split(' ') as [string, string];
  const operation = doc.paths[path]?.[method.toLowerCase()];
  expect(operation, `${op} is documented`).toBeDefined();
  const documented = operation!.responses[String(result.status)];
  expect(documented, `${op} documents status ${result.status} (body: ${result.text.slice(0, 200)})`).toBeDefined();
  const mediaType = result.headers.get('content-type')?.split(';')[0]!.trim();
  if (!documented!.content) {
    expect(result.text).toBe('');
  } else {
    expect(Object.keys(documented!.content), `${op} ${result.status} content type`).toContain(mediaType);
    const body = mediaType === 'application/json' ? JSON.parse(result.text) : result.text;
    const validate = validatorFor(documented!.content[mediaType!]!.schema);
    expect(validate(body) ? [] : validate.errors, `${op} ${result.status} body ${result.text.slice(0, 300)}`).toEqual([]);
  }
  for (const [name, header] of Object.entries(documented!.headers ?? {})) {
    const value = result.headers.get(name);
    if (header.required) expect(value, `${op} ${result.status} header ${name}`).not.toBeNull();
    if (value !== null) {
      const validate = validatorFor(header.schema);
      expect(validate(value) ? [] : validate.errors, `${op} ${result.status} header ${name}: ${value}`).toEqual([]);
    }
  }
  produced.add(`${op} ${result.status}`);
}

/** A body the server accepted fits the documented request body. */
function expectDocumentedBody(op: string, request: HttpOptions): void {
  const [method, path] = op.split(' ') as [string, string];
  const content = doc.paths[path]![method.toLowerCase()]!.requestBody?.content;
  const sent = request.json ?? request.body;
  if (sent === undefined) return;
  expect(content, `${op} documents a request body`).toBeDefined();
  const type = request.json !== undefined ? 'application/json' : request.headers!['content-type']!.split(';')[0]!;
  expect(Object.keys(content!)).toContain(type);
  const value =
    type === 'application/json'
      ? request.json
      : type === 'multipart/form-data'
        ? Object.fromEntries([...String(request.body).matchAll(/name="([^"]+)"\r\n\r\n([^\r]*)/g)].map((m) => [m[1], m[2]]))
        : Object.fromEntries(new URLSearchParams(String(request.body)));
  const validate = validatorFor(content![type]!.schema);
  expect(validate(value) ? [] : validate.errors, `${op} request ${JSON.stringify(value)}`).toEqual([]);
}

// ---- Fixtures --------------------------------------------------------------------------------

async function call(method: string, path: string, options: HttpOptions = {}, status = 200): Promise<HttpResult> {
  const result = await http(server, method, path, options);
  expect(result.status, `${method} ${path}: ${result.text}`).toBe(status);
  return result;
}

async function txLogin(username: string, password: string): Promise<{ access: string; refresh: string }> {
  const { json } = await call('POST', '/auth/login', { json: { username, password } });
  const tokens = json as { access_token: string; refresh_token: string };
  return { access: tokens.access_token, refresh: tokens.refresh_token };
}

async function register(name: string, password: string): Promise<number> {
  return ((await call('POST', '/api/users', { json: { name, password } }, 201)).json as { id: number }).id;
}

async function hbCookie(): Promise<string> {
  const result = await call('POST', '/api/v1/auth_session/login', form({ email: 'bob@hbtn.io', password: BOB_PASSWORD }));
  return result.headers.get('set-cookie')!.split(';')[0]!;
}

async function hbCreate(email: string, password: string): Promise<string> {
  return ((await call('POST', '/api/v1/users', auth(BOB_BASIC, { json: { email, password } }), 201)).json as { id: string }).id;
}

async function buildFixtures(): Promise<Fixtures> {
  const user = await txLogin('user', 'password');
  const aliceId = await register('alice', 'alicepass');
  const alice = await txLogin('alice', 'alicepass');
  const aliceRefreshedAccess = ((await call('POST', '/auth/refresh', auth(bearer(alice.refresh)))).json as { access_token: string }).access_token;
  const doomedId = await register('doomed', 'doomedpass');
  const doomed = await txLogin('doomed', 'doomedpass');
  const shipOf = async (access: string) => ((await call('POST', '/api/ships', auth(bearer(access), { json: SHIP }), 201)).json as { id: number }).id;
  const bobCookie = await hbCookie();
  const bobId = ((await call('GET', '/api/v1/users/me', auth(BOB_BASIC))).json as { id: string }).id;
  await hbCreate(THROTTLED, 'right password');
  // Until the account is throttled for this address (RATE_LIMIT_PER_ACCOUNT, default 10).
  for (let attempt = 0; ; attempt += 1) {
    expect(attempt).toBeLessThan(20);
    if ((await http(server, 'GET', '/api/resource', auth(THROTTLED_BASIC))).status === 429) break;
  }
  return {
    access: user.access,
    refresh: user.refresh,
    aliceId,
    aliceAccess: alice.access,
    aliceRefreshedAccess,
    doomedId,
    doomedAccess: doomed.access,
    ...(await txLogin('user', 'password').then((t) => ({ logoutAccess: t.access, logoutRefresh: t.refresh }))),
    aliceShip: await shipOf(alice.access),
    aliceDoomedShip: await shipOf(alice.access),
    bobId,
    bobCookie,
    logoutCookies: [await hbCookie(), await hbCookie()],
    carolId: await hbCreate('carol@hbtn.io', 'carolpass'),
    daveId: await hbCreate('dave@hbtn.io', 'davepass'),
  };
}

beforeAll(async () => {
  // Many failed password checks come from one address here; the per-address cap is not under test.
  server = await startTestServer({ env: { RATE_LIMIT_PER_IP: '10000' } });
  unready = await startTestServer();
  doc = (await http(server, 'GET', '/openapi.json')).json as Doc;
  ajv.addSchema({
    $id: 'hangar:components',
    $defs: JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', 'hangar:components#/$defs/')),
  });
  fixtures = await buildFixtures();
}, 120_000);
afterAll(async () => {
  await server?.close();
  await unready?.close();
});

// ---- The checks ------------------------------------------------------------------------------

describe('every documented operation answers as documented', () => {
  it.each(cases.map((c) => [c.op, c.status, c.what, c] as const))('%s → %i (%s)', async (op, status, _what, c) => {
    const [method, path] = op.split(' ') as [string, string];
    const request = c.request?.(fixtures);
    const result = await http(server, method, c.path?.(fixtures) ?? path, request);
    expect(result.status, result.text.slice(0, 300)).toBe(status);
    expectConforms(op, result);
    if (status < 300 && request) expectDocumentedBody(op, request);
  });

  it('GET /readyz → 503 while the database does not answer', async () => {
    await unready.running.runtime.orm.close(true);
    const result = await http(unready, 'GET', '/readyz');
    expect(result.status).toBe(503);
    expectConforms('GET /readyz', result);
  });
});

describe('the document and the code agree', () => {
  it('every documented (path, method, status) was produced above', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([method, operation]) => Object.keys(operation.responses).map((status) => `${method.toUpperCase()} ${path} ${status}`)),
    );
    expect(documented.filter((entry) => !produced.has(entry))).toEqual([]);
    expect([...produced].filter((entry) => !documented.includes(entry))).toEqual([]);
  });

  it('every route the routers serve is documented, and nothing else is', () => {
    const runtime = server.running.runtime;
    const served = new Set<string>();
    const routers = [healthRouter(runtime), openApiRouter(runtime), tokenAuthRouter(runtime), shipApiRouter(runtime), sessionApiRouter(runtime)];
    for (const router of routers) collectRoutes(router, '', served);
    // The docs page's own files are assets, not API operations.
    const assets = [...served].filter((route) => route.startsWith('GET /docs/'));
    expect(assets.sort()).toEqual(['GET /docs/favicon-32x32.png', 'GET /docs/swagger-init.js', 'GET /docs/swagger-ui-bundle.js', 'GET /docs/swagger-ui.css']);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect([...served].filter((route) => !assets.includes(route)).sort()).toEqual(documented.sort());
  });

  it('the served document is the one built from the configuration', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(openApiDocument(server.running.runtime.config))));
  });
});

interface Layer {
  rawPath?: string | string[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Walks Express's router stack: each route's concrete methods, `router.all` (the 405s) left out. */
function collectRoutes(router: Router, prefix: string, into: Set<string>): void {
  for (const layer of (router as unknown as { stack: Layer[] }).stack) {
    if (layer.route) {
      if (layer.route.methods._all) continue;
      const paths = ([] as string[]).concat(layer.route.path);
      for (const method of Object.keys(layer.route.methods)) {
        for (const path of paths) into.add(`${method.toUpperCase()} ${prefix}${path.replace(/:(\w+)/g, '{$1}')}`);
      }
    } else if (layer.handle.stack && typeof layer.rawPath === 'string') {
      collectRoutes(layer.handle as unknown as Router, prefix + (layer.rawPath === '/' ? '' : layer.rawPath), into);
    }
  }
}
