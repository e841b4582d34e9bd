import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOf, http, JWT, type HttpResult } from './support/http';
import { basic, bearer, startTestServer, type TestServer } from './support/testServer';

// TX (Toxe/python-flask-rest-jwt) over Hangar's shared store. The README's transcripts run in order
// below; where the shared store changes a value (bob is user 3, so the README's "new user" is 4) a
// comment says so.

let server: TestServer;
let access: string;
let refresh: string;
let guestAccess: string;

const BAD_HEADER = "Bad Authorization header. Expected value 'Bearer <JWT>'";

async function login(username: string, password: string): Promise<{ access_token: string; refresh_token: string }> {
  const response = await http(server, 'POST', '/auth/login', { json: { username, password } });
  expect(response.status).toBe(200);
  return response.json as { access_token: string; refresh_token: string };
}

function expectJson(response: HttpResult, status: number, body: unknown): void {
  expect({ status: response.status, body: response.json }).toEqual({ status, body });
  expect(response.headers.get('content-type')).toBe('application/json');
}

const STAR_DESTROYER = {
  ship_class: 'Star Destroyer',
  model: 'Imperial I-class Star Destroyer',
  affiliation: 'Empire',
  category: 'Capital Ships',
  crew: 37085,
  length: 1600,
  manufacturer: 'Kuat Drive Yards',
  roles: ['Destroyer', 'Carrier', 'Military Transport', 'Command Ship'],
};

beforeAll(async () => {
  server = await startTestServer();
  ({ access_token: access, refresh_token: refresh } = await login('user', 'password'));
  guestAccess = (await login('guest', 'guest')).access_token;
});
afterAll(() => server.close());

describe('README: authentication', () => {
  it('POST /auth/login returns an access and a refresh token', async () => {
    const response = await http(server, 'POST', '/auth/login', {
      body: '{"username":"user", "password":"password"}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.json).toEqual({ access_token: expect.stringMatching(JWT), refresh_token: expect.stringMatching(JWT) });
  });

  it('POST /auth/refresh returns only a new access token and keeps the refresh token valid', async () => {
    const { refresh_token } = await login('user', 'password');
    for (let i = 0; i < 2; i += 1) {
      const response = await http(server, 'POST', '/auth/refresh', { headers: { Authorization: bearer(refresh_token) } });
      expectJson(response, 200, { access_token: expect.stringMatching(JWT) });
      const fresh = (response.json as { access_token: string }).access_token;
      const use = await http(server, 'DELETE', '/auth/logout', { headers: { Authorization: bearer(fresh) } });
      expect(use.status).toBe(200);
    }
  });

  it('DELETE /auth/logout revokes the access token only', async () => {
    const tokens = await login('user', 'password');
    const headers = { Authorization: bearer(tokens.access_token) };
    const response = await http(server, 'DELETE', '/auth/logout', { headers });
    expectJson(response, 200, { message: 'Successfully logged out.' });
    expect(response.headers.get('content-length')).toBe('44');
    expectJson(await http(server, 'DELETE', '/auth/logout', { headers }), 401, { error: 'Token has been revoked' });
    expectJson(await http(server, 'POST', '/api/ships', { headers, json: STAR_DESTROYER }), 401, { error: 'Token has been revoked' });
    // The refresh token survives (TX's own test suite relies on this).
    const again = await http(server, 'POST', '/auth/refresh', { headers: { Authorization: bearer(tokens.refresh_token) } });
    expect(again.status).toBe(200);
  });

  it('DELETE /auth/logout2 revokes the refresh token and ends its login', async () => {
    const tokens = await login('user', 'password');
    const headers = { Authorization: bearer(tokens.refresh_token) };
    expectJson(await http(server, 'DELETE', '/auth/logout2', { headers }), 200, { message: 'Successfully logged out.' });
    expectJson(await http(server, 'DELETE', '/auth/logout2', { headers }), 401, { error: 'Token has been revoked' });
    expectJson(await http(server, 'POST', '/auth/refresh', { headers }), 401, { error: 'Token has been revoked' });
    // Logging out ends every token of the login family, its access token too (issue 11).
    const list = await http(server, 'DELETE', '/auth/logout', { headers: { Authorization: bearer(tokens.access_token) } });
    expectJson(list, 401, { error: 'Token has been revoked' });
  });
});

describe('README: users', () => {
  let newUserAccess: string;
  let newUserRefresh: string;

  it('GET /api/users lists every user of the shared store', async () => {
    const response = await http(server, 'GET', '/api/users');
    // The shared store also holds HB's bob (decision 1/9), and every face reads id, name and username.
    expectJson(response, 200, [
      { id: 1, name: 'user', username: 'user' },
      { id: 2, name: 'guest', username: 'guest' },
      { id: 3, name: 'bob@hbtn.io', username: 'bob@hbtn.io' },
    ]);
  });

  it('GET /api/users/1', async () => {
    expectJson(await http(server, 'GET', '/api/users/1'), 200, { id: 1, name: 'user', username: 'user' });
    // Flask's <int:id> also takes leading zeros and percent-encoded digits.
    expectJson(await http(server, 'GET', '/api/users/01'), 200, { id: 1, name: 'user', username: 'user' });
    expectJson(await http(server, 'GET', '/api/users/%31'), 200, { id: 1, name: 'user', username: 'user' });
  });

  it('POST /api/users creates a user with an absolute Location', async () => {
    const response = await http(server, 'POST', '/api/users', {
      body: '{"name":"new user", "password":"secret"}',
      headers: { 'Content-Type': 'application/json' },
    });
    // The README's new user is id 3; bob holds 3 here, so it is 4.
    expectJson(response, 201, { id: 4, name: 'new user', username: 'new user' });
    expect(response.headers.get('location')).toBe(`http://${hostOf(server)}/api/users/4`);
    ({ access_token: newUserAccess, refresh_token: newUserRefresh } = await login('new user', 'secret'));
  });

  it('PUT /api/users/4 replaces name and password', async () => {
    const response = await http(server, 'PUT', '/api/users/4', {
      body: '{"name":"fancy new name", "password":"more secret"}',
      headers: { 'Content-Type': 'application/json', Authorization: bearer(newUserAccess) },
    });
    expectJson(response, 200, { id: 4, name: 'fancy new name', username: 'fancy new name' });
    await login('fancy new name', 'more secret');
    const old = await http(server, 'POST', '/auth/login', { json: { username: 'new user', password: 'secret' } });
    expectJson(old, 401, { error: 'Unauthorized', message: 'Username or password invalid.' });
  });

  it('PUT may not take a name another user has (decision 8)', async () => {
    const response = await http(server, 'PUT', '/api/users/4', {
      json: { name: 'guest', password: 'more secret' },
      headers: { Authorization: bearer(newUserAccess) },
    });
    expectJson(response, 400, { error: 'Bad Request', message: 'User already exists.' });
  });

  it('PUT with a body id other than the path id', async () => {
    const response = await http(server, 'PUT', '/api/users/4', {
      json: { id: 5, name: 'fancy new name', password: 'more secret' },
      headers: { Authorization: bearer(newUserAccess) },
    });
    expectJson(response, 400, { error: 'Bad Request', message: 'Request data id has to match resource id.' });
    const same = await http(server, 'PUT', '/api/users/4', {
      json: { id: 4, name: 'fancy new name', password: 'more secret' },
      headers: { Authorization: bearer(newUserAccess) },
    });
    expect(same.status).toBe(200);
  });

  it("another user's data is 403", async () => {
    const headers = { Authorization: bearer(guestAccess) };
    expectJson(await http(server, 'PUT', '/api/users/4', { headers, json: { name: 'mine', password: 'mine' } }), 403, { error: 'Forbidden' });
    expectJson(await http(server, 'DELETE', '/api/users/4', { headers }), 403, { error: 'Forbidden' });
    expectJson(await http(server, 'DELETE', '/api/users/999', { headers }), 403, { error: 'Forbidden' });
  });

  it('DELETE /api/users/4 is 204 without a body, and the tokens die with the user (decision 5)', async () => {
    const response = await http(server, 'DELETE', '/api/users/4', { headers: { Authorization: bearer(newUserAccess) } });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expectJson(await http(server, 'GET', '/api/users/4'), 404, { error: 'Not Found' });
    expectJson(await http(server, 'POST', '/api/ships', { headers: { Authorization: bearer(newUserAccess) }, json: STAR_DESTROYER }), 401, {
      error: 'Unauthorized',
      message: 'Unknown user.',
    });
    expectJson(await http(server, 'POST', '/auth/refresh', { headers: { Authorization: bearer(newUserRefresh) } }), 401, {
      error: 'Unauthorized',
      message: 'Unknown user.',
    });
  });
});

describe('README: ships', () => {
  it('GET /api/ships lists the fifteen demo ships byte for byte', async () => {
    const response = await http(server, 'GET', '/api/ships');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('4984');
    const ships = response.json as { id: number }[];
    expect(ships.map((ship) => ship.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(ships[0]).toEqual({
      affiliation: 'Rebel Alliance',
      category: 'Starfighters',
      crew: 1,
      id: 1,
      length: 13,
      manufacturer: 'Incom Corporation',
      model: 'T-65 X-Wing',
      roles: ['Space Superiority Starfighter', 'Escort'],
      ship_class: 'Starfighter',
    });
  });

  it('GET /api/ships/2', async () => {
    const response = await http(server, 'GET', '/api/ships/2');
    expectJson(response, 200, {
      affiliation: 'Empire',
      category: 'Starfighters',
      crew: 1,
      id: 2,
      length: 7,
      manufacturer: 'Sienar Fleet Systems',
      model: 'TIE/LN Starfighter',
      roles: ['Space Superiority Starfighter'],
      ship_class: 'Starfighter',
    });
    expect(response.headers.get('content-length')).toBe('267');
  });

  it('POST, PUT and DELETE /api/ships/16', async () => {
    const headers = { 'Content-Type': 'application/json', Authorization: bearer(access) };
    const created = await http(server, 'POST', '/api/ships', {
      headers,
      body: '{"ship_class":"Star Destroyer", "model":"Imperial I-class Star Destroyer", "affiliation":"Empire", "category":"Capital Ships", "crew":37085, "length":1600, "manufacturer":"Kuat Drive Yards", "roles":["Destroyer","Carrier","Military Transport","Command Ship"]}',
    });
    expectJson(created, 201, { ...STAR_DESTROYER, id: 16 });
    expect(created.headers.get('location')).toBe(`http://${hostOf(server)}/api/ships/16`);
    expect(created.headers.get('content-length')).toBe('332');

    const updated = await http(server, 'PUT', '/api/ships/16', {
      headers,
      body: '{"ship_class":"Star Destroyer", "model":"Imperial II-class Star Destroyer", "affiliation":"Empire", "category":"Capital Ships", "crew":37050, "length":1600, "manufacturer":"Kuat Drive Yards", "roles":["Destroyer","Carrier","Military Transport","Command Ship"]}',
    });
    expectJson(updated, 200, { ...STAR_DESTROYER, model: 'Imperial II-class Star Destroyer', crew: 37050, id: 16 });
    expect(updated.headers.get('content-length')).toBe('333');

    const deleted = await http(server, 'DELETE', '/api/ships/16', { headers: { Authorization: bearer(access) } });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectJson(await http(server, 'GET', '/api/ships/16'), 404, { error: 'Not Found' });
    expectJson(await http(server, 'DELETE', '/api/ships/16', { headers: { Authorization: bearer(access) } }), 404, { error: 'Not Found' });
  });

  it('PUT checks the body, then existence, then the body id', async () => {
    const headers = { Authorization: bearer(access) };
    expectJson(await http(server, 'PUT', '/api/ships/999', { headers, json: { ...STAR_DESTROYER, crew: 0 } }), 400, {
      error: 'Bad Request',
      message: { crew: ['Must be greater than or equal to 1.'] },
    });
    expectJson(await http(server, 'PUT', '/api/ships/999', { headers, json: STAR_DESTROYER }), 404, { error: 'Not Found' });
    expectJson(await http(server, 'PUT', '/api/ships/999', { headers, json: { ...STAR_DESTROYER, id: 3 } }), 404, { error: 'Not Found' });
    expectJson(await http(server, 'PUT', '/api/ships/2', { headers, json: { ...STAR_DESTROYER, id: 3 } }), 400, {
      error: 'Bad Request',
      message: 'Request data id has to match resource id.',
    });
  });

  it('POST with an id in the body is refused without a message', async () => {
    const response = await http(server, 'POST', '/api/ships', { headers: { Authorization: bearer(access) }, json: { ...STAR_DESTROYER, id: 40 } });
    expectJson(response, 400, { error: 'Bad Request' });
  });

  it('a Basic password identifies the viewer too (decision 2)', async () => {
    const response = await http(server, 'POST', '/api/ships', { headers: { Authorization: basic('guest', 'guest') }, json: STAR_DESTROYER });
    expect(response.status).toBe(201);
    const wrong = await http(server, 'POST', '/api/ships', { headers: { Authorization: basic('guest', 'nope') }, json: STAR_DESTROYER });
    expectJson(wrong, 401, { error: 'Unauthorized', message: 'Username or password invalid.' });
  });
});

describe('login failures', () => {
  it.each([
    ['missing password', { username: 'user' }],
    ['empty username', { username: '', password: 'password' }],
    ['null password', { username: 'user', password: null }],
    ['zero', { username: 0, password: 'password' }],
    ['false', { username: 'user', password: false }],
    ['empty list', { username: [], password: 'password' }],
  ])('%s → 400 Username or password missing.', async (_name, json) => {
    expectJson(await http(server, 'POST', '/auth/login', { json }), 400, { error: 'Bad Request', message: 'Username or password missing.' });
  });

  it.each([
    ['wrong password', { username: 'user', password: 'nope' }],
    ['unknown user', { username: 'nobody', password: 'password' }],
    ['password of the wrong type', { username: 'user', password: 12345 }],
  ])('%s → 401 Username or password invalid.', async (_name, json) => {
    expectJson(await http(server, 'POST', '/auth/login', { json }), 401, { error: 'Unauthorized', message: 'Username or password invalid.' });
  });

  it('takes application/*+json and email addresses', async () => {
    const response = await http(server, 'POST', '/auth/login', {
      headers: { 'content-type': 'application/vnd.api+json; charset=utf-8' },
      json: { username: 'bob@hbtn.io', password: 'H0lbertonSchool98!' },
    });
    expect(response.status).toBe(200);
  });
});

describe('marshmallow validation (§2.2.1)', () => {
  it.each<[string, unknown, unknown]>([
    ['empty object', {}, { name: ['Missing data for required field.'], password: ['Missing data for required field.'] }],
    ['short values', { name: 'a', password: 'abc' }, { name: ['Shorter than minimum length 2.'], password: ['Shorter than minimum length 4.'] }],
    ['wrong types and null', { name: 5, password: null }, { name: ['Not a valid string.'], password: ['Field may not be null.'] }],
    ['type and rule errors together', { name: 'a', password: 5 }, { name: ['Shorter than minimum length 2.'], password: ['Not a valid string.'] }],
    ['unknown field', { name: 'someone', password: 'secret', email: 'x@y.z' }, { email: ['Unknown field.'] }],
    ['id below 1', { name: 'someone', password: 'secret', id: 0 }, { id: ['Must be greater than or equal to 1.'] }],
    ['id of the wrong type', { name: 'someone', password: 'secret', id: 'one' }, { id: ['Not a valid integer.'] }],
    ['array body', [{ name: 'someone', password: 'secret' }], { _schema: ['Invalid input type.'] }],
    ['string body', 'name', { _schema: ['Invalid input type.'] }],
    ['username alias, short', { username: 'x', password: 'secret' }, { username: ['Shorter than minimum length 2.'] }],
    ['name and username disagree', { name: 'alpha', username: 'beta', password: 'secret' }, { username: ['Must be the same as name.'] }],
  ])('POST /api/users, %s', async (_name, json, message) => {
    expectJson(await http(server, 'POST', '/api/users', { json }), 400, { error: 'Bad Request', message });
  });

  it('POST /api/users with a valid id is refused without a message', async () => {
    expectJson(await http(server, 'POST', '/api/users', { json: { name: 'someone', password: 'secret', id: 9 } }), 400, { error: 'Bad Request' });
  });

  it('duplicate names', async () => {
    expectJson(await http(server, 'POST', '/api/users', { json: { name: 'user', password: 'whatever' } }), 400, {
      error: 'Bad Request',
      message: 'User already exists.',
    });
  });

  it('the TX 400 body is laid out like Flask', async () => {
    const response = await http(server, 'POST', '/api/users', { json: { name: 'someone' } });
    expect(response.text).toBe('{\n  "error": "Bad Request", \n  "message": {\n    "password": [\n      "Missing data for required field."\n    ]\n  }\n}\n');
  });

  it.each<[string, Record<string, unknown>, unknown]>([
    ['roles not a list', { roles: 'Bomber' }, { roles: ['Not a valid list.'] }],
    ['role items of the wrong type', { roles: ['Bomber', 3, null] }, { roles: { 1: ['Not a valid string.'], 2: ['Field may not be null.'] } }],
    ['empty role', { roles: ['Bomber', ''] }, undefined],
    ['crew not numeric', { crew: 'many' }, { crew: ['Not a valid integer.'] }],
    ['crew boolean', { crew: true }, { crew: ['Not a valid integer.'] }],
    ['crew below 1', { crew: 0, length: -3 }, { crew: ['Must be greater than or equal to 1.'], length: ['Must be greater than or equal to 1.'] }],
    ['ship_class missing', { ship_class: undefined }, { ship_class: ['Missing data for required field.'] }],
    ['camel-case key', { shipClass: 'Frigate' }, { shipClass: ['Unknown field.'] }],
    ['model of the wrong type', { model: ['X'] }, { model: ['Not a valid string.'] }],
  ])('POST /api/ships, %s', async (_name, change, message) => {
    const json = { ...STAR_DESTROYER, ...change };
    const response = await http(server, 'POST', '/api/ships', { headers: { Authorization: bearer(access) }, json });
    if (message === undefined) expect(response.status).toBe(201);
    else expectJson(response, 400, { error: 'Bad Request', message });
  });

  it('POST /api/ships, an integer too large for a float', async () => {
    const body = JSON.stringify({ ...STAR_DESTROYER, crew: 0 }).replace('"crew":0', '"crew":1e400');
    const response = await http(server, 'POST', '/api/ships', { headers: { Authorization: bearer(access) }, body });
    expectJson(response, 400, { error: 'Bad Request', message: { crew: ['Number too large.'] } });
  });

  it.each<[string, unknown, number]>([
    ['numeric string', '12', 12],
    ['Python int() spacing and underscores', ' 1_000 ', 1000],
    ['float truncated', 1.9, 1],
    ['nearly 2', 2.0000001, 2],
  ])('integer coercion: %s', async (_name, crew, expected) => {
    const response = await http(server, 'POST', '/api/ships', { headers: { Authorization: bearer(access) }, json: { ...STAR_DESTROYER, crew } });
    expect(response.status).toBe(201);
    expect((response.json as { crew: number }).crew).toBe(expected);
  });
});

describe('flask-jwt-extended errors (decision 8)', () => {
  async function signed(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256', typ: 'at+jwt' }): Promise<string> {
    return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(server.running.runtime.tokenKeys.secret);
  }

  const tokenErrors: [string, () => string | Promise<string>, number, string][] = [
    ['no header', () => '', 401, 'Missing Authorization Header'],
    ['unknown scheme', () => 'Token abc', 422, BAD_HEADER],
    ['Bearer alone', () => 'Bearer', 422, BAD_HEADER],
    ['Bearer with two words', () => 'Bearer a b', 422, BAD_HEADER],
    ['Basic not base64', () => 'Basic %%%', 422, BAD_HEADER],
    ['Basic without a colon', () => `Basic ${Buffer.from('user').toString('base64')}`, 422, BAD_HEADER],
    ['one segment', () => bearer('abc'), 422, 'Not enough segments'],
    ['two segments', () => bearer('abc.def'), 422, 'Not enough segments'],
    ['bad header padding', () => bearer('a!b.e30.sig'), 422, 'Invalid header padding'],
    ['header not JSON', () => bearer('YQ.e30.sig'), 422, 'Invalid header string: Expecting value: line 1 column 1 (char 0)'],
    ['header not an object', () => bearer('WzFd.e30.sig'), 422, 'Invalid header string: must be a json object'],
    ['bad payload padding', () => bearer('e30.a.sig'), 422, 'Invalid payload padding'],
    ['bad crypto padding', () => bearer('e30.e30.a'), 422, 'Invalid crypto padding'],
    ['payload not JSON', () => bearer('e30.YQ.sig'), 422, 'Invalid payload string: Expecting value: line 1 column 1 (char 0)'],
    ['alg none', () => bearer(`${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.`), 422, 'The specified alg value is not allowed'],
    ['alg HS512', async () => bearer(await signed({ sub: 'x' }, { alg: 'HS512' })), 422, 'The specified alg value is not allowed'],
    ['wrong signature', () => bearer(`${access.slice(0, access.lastIndexOf('.'))}.${'A'.repeat(43)}`), 422, 'Signature verification failed'],
    ['future nbf', async () => bearer(await signed({ nbf: Math.floor(server.clock.now() / 1000) + 3600, sub: 'x' })), 422, 'The token is not yet valid (nbf)'],
    ['refresh token', () => bearer(refresh), 422, 'Only access tokens are allowed'],
    ['refresh token as Basic username', () => basic(refresh, 'x'), 422, 'Only access tokens are allowed'],
  ];

  it.each(tokenErrors)('access-protected, %s', async (_name, header, status, error) => {
    const value = await header();
    const headers = value ? { Authorization: value } : undefined;
    for (const [method, path] of [
      ['POST', '/api/ships'],
      ['DELETE', '/auth/logout'],
      ['PUT', '/api/users/1'],
    ] as const) {
      const response = await http(server, method, path, { headers, json: STAR_DESTROYER });
      expectJson(response, status, { error });
    }
  });

  it.each<[string, () => string, number, string]>([
    ['no header', () => '', 401, 'Missing Authorization Header'],
    ['Bearer with two words', () => 'Bearer a b', 422, BAD_HEADER],
    ['one segment', () => bearer('abc'), 422, 'Not enough segments'],
    ['access token', () => bearer(access), 422, 'Only refresh tokens are allowed'],
    ['Basic password', () => basic('user', 'password'), 422, 'Only refresh tokens are allowed'],
  ])('refresh-protected, %s', async (_name, header, status, error) => {
    const headers = header() ? { Authorization: header() } : undefined;
    expectJson(await http(server, 'POST', '/auth/refresh', { headers }), status, { error });
    expectJson(await http(server, 'DELETE', '/auth/logout2', { headers }), status, { error });
  });

  it('expired tokens are 401, refresh tokens outlive access tokens', async () => {
    const tokens = await login('guest', 'guest');
    server.clock.advance(server.running.runtime.config.accessTokenSeconds + 1);
    const headers = { Authorization: bearer(tokens.access_token) };
    expectJson(await http(server, 'POST', '/api/ships', { headers, json: STAR_DESTROYER }), 401, { error: 'Token has expired' });
    expectJson(await http(server, 'DELETE', '/auth/logout', { headers }), 401, { error: 'Token has expired' });
    const refreshed = await http(server, 'POST', '/auth/refresh', { headers: { Authorization: bearer(tokens.refresh_token) } });
    expect(refreshed.status).toBe(200);
    ({ access_token: access, refresh_token: refresh } = await login('user', 'password'));
  });
});

describe('bad input never yields a 5xx or a non-JSON body', () => {
  const big = JSON.stringify({ name: 'x'.repeat(200 * 1024), password: 'secret' });
  const cases: [string, string, string, () => { headers?: Record<string, string>; body?: string | Buffer }, number][] = [
    ['malformed JSON', 'POST', '/api/users', () => ({ headers: { 'content-type': 'application/json' }, body: '{"name": "x",' }), 400],
    ['empty body', 'POST', '/api/users', () => ({ headers: { 'content-type': 'application/json' }, body: '' }), 400],
    [
      'form content type',
      'POST',
      '/api/users',
      () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=abc&password=secret' }),
      400,
    ],
    ['invalid UTF-8', 'POST', '/api/users', () => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0xff, 0x7d]) }), 400],
    ['too large', 'POST', '/api/users', () => ({ headers: { 'content-type': 'application/json' }, body: big }), 413],
    ['login, malformed JSON', 'POST', '/auth/login', () => ({ headers: { 'content-type': 'application/json' }, body: '{' }), 400],
    ['login, text/plain', 'POST', '/auth/login', () => ({ headers: { 'content-type': 'text/plain' }, body: '{"username":"user","password":"password"}' }), 400],
    ['login, JSON array', 'POST', '/auth/login', () => ({ headers: { 'content-type': 'application/json' }, body: '["user","password"]' }), 400],
    ['login, too large', 'POST', '/auth/login', () => ({ headers: { 'content-type': 'application/json' }, body: big }), 413],
    ['ship, malformed JSON', 'POST', '/api/ships', () => ({ headers: { authorization: bearer(access) }, body: 'crew=1' }), 400],
    ['ship, too large', 'PUT', '/api/ships/1', () => ({ headers: { authorization: bearer(access) }, body: big }), 413],
    ['user PUT, malformed JSON', 'PUT', '/api/users/1', () => ({ headers: { authorization: bearer(access) }, body: 'nope' }), 400],
    ['unknown user id', 'GET', '/api/users/999', () => ({}), 404],
    ['user id 0', 'GET', '/api/users/0', () => ({}), 404],
    ['huge user id', 'GET', '/api/users/123456789012345678901234567890', () => ({}), 404],
    ['non-numeric user id', 'GET', '/api/users/abc', () => ({}), 404],
    ['negative ship id', 'GET', '/api/ships/-1', () => ({}), 404],
    ['ship id 0', 'GET', '/api/ships/0', () => ({}), 404],
    ['ship id one past the largest integer column value', 'GET', '/api/ships/2147483648', () => ({}), 404],
    ['huge ship id', 'GET', '/api/ships/123456789012345678901234567890', () => ({}), 404],
    ['non-numeric id before auth', 'DELETE', '/api/ships/1.0', () => ({}), 404],
    ['bad percent-encoding', 'GET', '/api/ships/%E0', () => ({}), 400],
    ['wrong method', 'PATCH', '/api/ships/1', () => ({}), 405],
    ['wrong method on login', 'GET', '/auth/login', () => ({}), 405],
    ['Basic not base64', 'DELETE', '/api/ships/1', () => ({ headers: { authorization: 'Basic !!!' } }), 422],
    ['Basic without a colon', 'DELETE', '/api/ships/1', () => ({ headers: { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` } }), 422],
  ];

  it.each(cases)('%s', async (_name, method, path, request, status) => {
    const response = await http(server, method, path, request());
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.json).toMatchObject({ error: expect.any(String) });
  });

  it('413 carries the Werkzeug phrase', async () => {
    const response = await http(server, 'POST', '/api/users', { headers: { 'content-type': 'application/json' }, body: big });
    expectJson(response, 413, { error: 'Request Entity Too Large' });
  });

  it('OPTIONS lists the methods; trailing slashes and other paths are not TX routes', async () => {
    const options = await http(server, 'OPTIONS', '/api/users/1');
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
    expect((await http(server, 'GET', '/api/users/1/')).status).toBe(404);
    expect((await http(server, 'GET', '/API/users')).status).toBe(404);
  });
});

describe('U+0000 in client text (found by test/fuzz.test.ts)', () => {
  // SQLite reads inlined SQL only up to a NUL: such text once made every login path and lookup a 500.
  it('a login name with a NUL is a refused login on every face, not a 500', async () => {
    expectJson(await http(server, 'POST', '/auth/login', { json: { username: 'us\u0000er', password: 'password' } }), 401, {
      error: 'Unauthorized',
      message: 'Username or password invalid.',
    });
    const ra = await http(server, 'GET', '/api/resource', { headers: { authorization: basic('\u0000', 'x') } });
    expect({ status: ra.status, text: ra.text }).toEqual({ status: 401, text: 'Unauthorized Access' });
    const hb = await http(server, 'GET', '/api/v1/users/me', { headers: { authorization: basic('bob\u0000@hbtn.io', 'x') } });
    expectJson(hb, 403, { error: 'Forbidden' });
  });

  it('a name or ship field with a NUL is a validation error', async () => {
    expectJson(await http(server, 'POST', '/api/users', { json: { name: 'nul\u0000name', password: 'secret' } }), 400, {
      error: 'Bad Request',
      message: { name: ['Contains a null character.'] },
    });
    const ship = await http(server, 'POST', '/api/ships', {
      headers: { authorization: bearer(access) },
      json: { ...STAR_DESTROYER, model: 'x\u0000', roles: ['a\u0000'] },
    });
    expectJson(ship, 400, { error: 'Bad Request', message: { model: ['Contains a null character.'], roles: { '0': ['Contains a null character.'] } } });
  });
});
