import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOB_BASIC } from './support/hb';
import { http, type HttpOptions } from './support/http';
import { bearer, startTestServer, type TestServer } from './support/testServer';

// One table of bad input, run against each REST dialect: every case gets the dialect's own status
// and exact body (decision 6), never a 500 or an HTML page. RA's documented text 401 is the one
// answer that is not JSON.

type Case =
  | 'malformed JSON'
  | 'wrong content type'
  | 'wrong types'
  | 'missing fields'
  | 'unknown id'
  | 'non-numeric id'
  | 'body over the limit'
  | 'Basic that is not base64'
  | 'Basic without a colon';

interface Expectation {
  method: string;
  path: string;
  options: HttpOptions;
  status: number;
  /** The parsed JSON body, or the exact text of a non-JSON answer. */
  body: unknown;
}

const NOT_BASE64 = 'Basic !!not base64!!';
const NO_COLON = `Basic ${Buffer.from('bob@hbtn.io').toString('base64')}`;
const OVERSIZED = JSON.stringify({ name: 'x'.repeat(200 * 1024), password: 'secret' });
const json = (body: string, contentType = 'application/json'): HttpOptions => ({ body, headers: { 'Content-Type': contentType } });
const SHIP = {
  affiliation: 'Empire',
  category: 'Capital Ships',
  crew: 37085,
  length: 1600,
  manufacturer: 'Kuat Drive Yards',
  model: 'Executor',
  ship_class: 'Star Dreadnought',
  roles: ['Command Ship'],
};
const { roles: _roles, ...SHIP_WITHOUT_ROLES } = SHIP;

let server: TestServer;
let access: string;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_ACCOUNT: '1000', RATE_LIMIT_PER_IP: '1000' } });
  const login = await http(server, 'POST', '/auth/login', { json: { username: 'user', password: 'password' } });
  access = (login.json as { access_token: string }).access_token;
});
afterAll(() => server.close());

const RA_UNAUTHORIZED = 'Unauthorized Access';

/** Cases that POST a body to `path`, with `authorization` unless the case sets its own. */
function posting(path: string, authorization?: string) {
  return (options: HttpOptions, status: number, body: unknown): Expectation => ({
    method: 'POST',
    path,
    options: { ...options, headers: { ...(authorization && { Authorization: authorization }), ...options.headers } },
    status,
    body,
  });
}

function tokenAuthApi(): Record<Case, Expectation> {
  const register = posting('/api/users');
  return {
    'malformed JSON': register(json('{"username": '), 400, { error: 'Bad Request' }),
    'wrong content type': register(json('username=miguel&password=python', 'application/x-www-form-urlencoded'), 400, { error: 'Bad Request' }),
    'wrong types': register(json('{"username": 5, "password": "python"}'), 400, { error: 'Bad Request', message: { username: ['Not a valid string.'] } }),
    'missing fields': register(json('{"username": "miguel"}'), 400, { error: 'Bad Request', message: { password: ['Missing data for required field.'] } }),
    'unknown id': { method: 'GET', path: '/api/users/999', options: {}, status: 404, body: { error: 'Not Found' } },
    'non-numeric id': { method: 'GET', path: '/api/users/miguel', options: {}, status: 404, body: { error: 'Not Found' } },
    'body over the limit': register(json(OVERSIZED), 413, { error: 'Request Entity Too Large' }),
    'Basic that is not base64': { method: 'GET', path: '/api/token', options: { headers: { Authorization: NOT_BASE64 } }, status: 401, body: RA_UNAUTHORIZED },
    'Basic without a colon': { method: 'GET', path: '/api/resource', options: { headers: { Authorization: NO_COLON } }, status: 401, body: RA_UNAUTHORIZED },
  };
}

function shipApi(): Record<Case, Expectation> {
  const create = posting('/api/ships', bearer(access));
  const badHeader = { error: "Bad Authorization header. Expected value 'Bearer <JWT>'" };
  return {
    'malformed JSON': create(json('{"model": '), 400, { error: 'Bad Request' }),
    'wrong content type': create(json('model=Executor&crew=1', 'application/x-www-form-urlencoded'), 400, { error: 'Bad Request' }),
    'wrong types': create(json(JSON.stringify({ ...SHIP, crew: 'many' })), 400, { error: 'Bad Request', message: { crew: ['Not a valid integer.'] } }),
    'missing fields': create(json(JSON.stringify(SHIP_WITHOUT_ROLES)), 400, { error: 'Bad Request', message: { roles: ['Missing data for required field.'] } }),
    'unknown id': { method: 'GET', path: '/api/ships/999', options: {}, status: 404, body: { error: 'Not Found' } },
    'non-numeric id': { method: 'GET', path: '/api/ships/x-wing', options: {}, status: 404, body: { error: 'Not Found' } },
    'body over the limit': create(json(OVERSIZED), 413, { error: 'Request Entity Too Large' }),
    'Basic that is not base64': { method: 'DELETE', path: '/api/ships/1', options: { headers: { Authorization: NOT_BASE64 } }, status: 422, body: badHeader },
    'Basic without a colon': { method: 'DELETE', path: '/api/ships/1', options: { headers: { Authorization: NO_COLON } }, status: 422, body: badHeader },
  };
}

function sessionApi(): Record<Case, Expectation> {
  const create = posting('/api/v1/users', BOB_BASIC);
  const forbidden = { error: 'Forbidden' };
  return {
    'malformed JSON': create(json('{"email": '), 400, { error: 'Wrong format' }),
    'wrong content type': create(json('{"email": "x@hbtn.io", "password": "pwd1"}', 'text/plain'), 400, { error: 'Wrong format' }),
    'wrong types': create(json('{"email": 5, "password": "pwd1"}'), 400, { error: "Can't create User: email must be a string" }),
    'missing fields': create(json('{"email": "x@hbtn.io"}'), 400, { error: 'password missing' }),
    'unknown id': {
      method: 'GET',
      path: `/api/v1/users/${randomUUID()}`,
      options: { headers: { Authorization: BOB_BASIC } },
      status: 404,
      body: { error: 'Not found' },
    },
    'non-numeric id': {
      method: 'GET',
      path: '/api/v1/users/not-a-uuid',
      options: { headers: { Authorization: BOB_BASIC } },
      status: 404,
      body: { error: 'Not found' },
    },
    'body over the limit': create(json(OVERSIZED), 413, { error: 'Request Entity Too Large' }),
    'Basic that is not base64': { method: 'GET', path: '/api/v1/users', options: { headers: { Authorization: NOT_BASE64 } }, status: 403, body: forbidden },
    'Basic without a colon': { method: 'GET', path: '/api/v1/users', options: { headers: { Authorization: NO_COLON } }, status: 403, body: forbidden },
  };
}

const DIALECTS = { 'RA token-auth API': tokenAuthApi, 'TX ship API': shipApi, 'HB session API': sessionApi };

describe.each(Object.entries(DIALECTS))('%s', (_dialect, table) => {
  it.each(Object.keys(table()) as Case[])('%s', async (name) => {
    const expected = table()[name];
    const response = await http(server, expected.method, expected.path, expected.options);
    if (typeof expected.body === 'string') {
      expect({ status: response.status, text: response.text }).toEqual({ status: expected.status, text: expected.body });
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="Authentication Required"');
      return;
    }
    expect({ status: response.status, body: response.json }).toEqual({ status: expected.status, body: expected.body });
    expect(response.headers.get('content-type')).toBe('application/json');
  });
});
