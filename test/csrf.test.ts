import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, bearer, startTestServer, type TestServer } from './support/testServer';

let server: TestServer;
const EVIL = 'https://evil.example';
const APP = 'https://app.example';

beforeAll(async () => {
  server = await startTestServer({ env: { CORS_ORIGINS: APP } });
});
afterAll(() => server.close());

async function hbLogin(): Promise<string> {
  const response = await fetch(`${server.url}/api/v1/auth_session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'email=bob%40hbtn.io&password=H0lbertonSchool98%21',
  });
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

const ship = { affiliation: 'a', category: 'b', crew: 1, length: 2, manufacturer: 'm', model: 'x', ship_class: 'c', roles: [] };

describe('cookie-authenticated REST writes from another site', () => {
  it('are refused when Origin is foreign', async () => {
    const cookie = await hbLogin();
    const forged = await fetch(`${server.url}/api/v1/auth_session/logout`, { method: 'DELETE', headers: { cookie, origin: EVIL } });
    // In HB's own shape, with the CORS headers every /api/v1 answer carries.
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ error: 'Forbidden' });
    expect(forged.headers.get('access-control-allow-origin')).toBe(EVIL);
    const tx = await fetch(`${server.url}/api/ships`, {
      method: 'POST',
      headers: { cookie, origin: EVIL, 'content-type': 'application/json' },
      body: JSON.stringify(ship),
    });
    expect(tx.status).toBe(403);
    expect(await tx.json()).toEqual({ error: 'Forbidden', message: 'Cross-site request refused' });
    // The session survived the forged logout.
    expect((await fetch(`${server.url}/api/v1/users/me`, { headers: { cookie } })).status).toBe(200);
  });

  it("on RA's paths are refused as before RA's router came first, and otherwise answered 405 by RA", async () => {
    const cookie = await hbLogin();
    for (const path of ['/api/resource', '/api/token']) {
      const forged = await fetch(`${server.url}${path}`, { method: 'POST', headers: { cookie, origin: EVIL } });
      expect(forged.status).toBe(403);
      expect(await forged.json()).toEqual({ error: 'Forbidden', message: 'Cross-site request refused' });
      const plain = await fetch(`${server.url}${path}`, { method: 'POST', headers: { cookie } });
      expect(plain.status).toBe(405);
      expect(plain.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    }
  });

  it('go through without Origin (curl), from this origin, or from CORS_ORIGINS', async () => {
    const cookie = await hbLogin();
    const own = new URL(server.url).origin;
    expect(
      (
        await fetch(`${server.url}/api/ships`, {
          method: 'POST',
          headers: { cookie, origin: own, 'content-type': 'application/json' },
          body: JSON.stringify(ship),
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await fetch(`${server.url}/api/ships`, {
          method: 'POST',
          headers: { cookie, origin: APP, 'content-type': 'application/json' },
          body: JSON.stringify(ship),
        })
      ).status,
    ).toBe(201);
    const curl = await fetch(`${server.url}/api/v1/auth_session/logout`, { method: 'DELETE', headers: { cookie } });
    expect(curl.status).toBe(200);
  });

  it("include a forged HB login, which would sign the victim in to the attacker's account", async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = 'email=bob%40hbtn.io&password=H0lbertonSchool98%21';
    for (const path of ['/api/v1/auth_session/login', '/api/v1/auth_session/']) {
      const forged = await fetch(`${server.url}${path}`, { method: 'POST', headers: { ...form, origin: EVIL }, body });
      expect(forged.status).toBe(403);
      expect(forged.headers.get('set-cookie')).toBeNull();
      expect(await forged.json()).toEqual({ error: 'Forbidden' });
    }
    const own = await fetch(`${server.url}/api/v1/auth_session/login`, { method: 'POST', headers: { ...form, origin: new URL(server.url).origin }, body });
    expect(own.status).toBe(200);
    expect(own.headers.get('set-cookie')).toMatch(/^_my_session_id=/);
  });

  it('do not affect header-authenticated requests, which a browser cannot forge', async () => {
    const login = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'user', password: 'password' }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const response = await fetch(`${server.url}/api/ships`, {
      method: 'POST',
      headers: { authorization: bearer(token), origin: EVIL, 'content-type': 'application/json' },
      body: JSON.stringify(ship),
    });
    expect(response.status).toBe(201);
  });
});

describe('GraphQL CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${server.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });

  it('grants nothing to a foreign origin', async () => {
    const response = await preflight(EVIL);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('allows a configured origin, with credentials', async () => {
    const response = await preflight(APP);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });
});

describe('Basic-authenticated REST writes from another site (issue 11, item 12)', () => {
  // Browsers cache Basic credentials after RA's 401 and attach them to cross-site requests.
  const simple = (authorization: string, origin?: string) => ({
    method: 'POST',
    headers: { authorization, 'content-type': 'text/plain', ...(origin && { origin }) },
    body: JSON.stringify(ship),
  });

  it('are refused when Origin is foreign, before the password is checked', async () => {
    const before = server.events.length;
    const tx = await fetch(`${server.url}/api/ships`, simple(basic('user', 'password'), 'http://evil.example'));
    expect(tx.status).toBe(403);
    expect(await tx.json()).toEqual({ error: 'Forbidden', message: 'Cross-site request refused' });
    const hb = await fetch(`${server.url}/api/v1/users`, {
      ...simple(basic('bob@hbtn.io', 'H0lbertonSchool98!'), EVIL),
      body: '{"email":"csrf@x.io","password":"pass"}',
    });
    expect(hb.status).toBe(403);
    expect(await hb.json()).toEqual({ error: 'Forbidden' });
    expect(server.events.slice(before).filter((e) => e.event.startsWith('login_'))).toEqual([]);
  });

  it('go through without Origin (curl) or from this origin; Bearer is not ambient', async () => {
    const own = new URL(server.url).origin;
    expect((await fetch(`${server.url}/api/ships`, simple(basic('user', 'password')))).status).toBe(201);
    expect((await fetch(`${server.url}/api/ships`, simple(basic('user', 'password'), own))).status).toBe(201);
    const login = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":"user","password":"password"}',
    });
    const { access_token } = (await login.json()) as { access_token: string };
    expect((await fetch(`${server.url}/api/ships`, simple(bearer(access_token), EVIL))).status).toBe(201);
  });
});
