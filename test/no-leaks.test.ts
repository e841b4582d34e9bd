import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, bearer, startTestServer, type TestServer } from './support/testServer';

// Every response is checked against every secret seen so far: no password hash ever, no token
// other than the ones that very response issues, and session ids only in Set-Cookie.
let server: TestServer;
const secrets = new Set<string>();
// ('guest' and 'password' are also a username and a word in messages, so they cannot be searched for.)
const passwords = ['H0lbertonSchool98!', 'leak-test-pass'];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const TOKEN = /eyJ[\w-]+\.[\w-]+\.[\w-]+/g;

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${path}`, init);
  const body = await response.text();
  const setCookie = response.headers.getSetCookie();
  const headers = [...response.headers.entries()]
    .filter(([name]) => name !== 'set-cookie')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

  expect(body).not.toMatch(/\$argon2/);
  expect(headers).not.toMatch(/\$argon2/);
  for (const password of passwords) expect(body).not.toContain(JSON.stringify(password));
  for (const secret of secrets) {
    expect(body, `${path} repeats a secret`).not.toContain(secret);
    expect(headers, `${path} repeats a secret in a header`).not.toContain(secret);
  }
  for (const token of body.match(TOKEN) ?? []) secrets.add(token);
  for (const cookie of setCookie) {
    const value = cookie.split(';')[0]!.split('=')[1]!;
    if (value) secrets.add(value);
  }
  return { status: response.status, body };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const graphql = (query: string, headers: Record<string, string> = {}) => call('/graphql', json({ query }, headers));

describe('responses never leak secrets', () => {
  it('across every face', async () => {
    await graphql('mutation { register(input: {username: "leaky", password: "leak-test-pass", email: "leaky@example.com"}) { __typename } }');
    const login = JSON.parse(
      (await graphql('mutation { login(username: "leaky", password: "leak-test-pass") { ... on TokenPair { accessToken refreshToken } } }')).body,
    );
    const { accessToken, refreshToken } = login.data.login;
    await graphql('mutation { openSession(username: "leaky", password: "leak-test-pass") { __typename } }');
    const hb = await fetch(`${server.url}/api/v1/auth_session/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=leaky%40example.com&password=leak-test-pass',
    });
    const cookie = hb.headers.getSetCookie()[0]!.split(';')[0]!;
    secrets.add(cookie.split('=')[1]!);

    await graphql(
      '{ me { id uuid username email createdAt } users(first: 100) { ... on UserPage { nodes { id username email } } } mySessions { __typename } }',
      { authorization: bearer(accessToken) },
    );
    await graphql('{ me { id } mySessions { ... on QueryMySessionsSuccess { data { id createdAt expiresAt current } } } }', { cookie });
    await graphql(`mutation { refreshToken(refreshToken: "${refreshToken}") { __typename } }`);
    await call('/api/users');
    await call('/api/users/1');
    await call('/api/ships/1');
    await call('/api/resource', { headers: { authorization: basic('leaky', 'leak-test-pass') } });
    await call('/api/token', { headers: { authorization: basic('leaky', 'leak-test-pass') } });
    await call('/auth/login', json({ username: 'leaky', password: 'leak-test-pass' }));
    await call('/api/v1/users', { headers: { cookie } });
    await call('/api/v1/users/me', { headers: { cookie } });
    await call('/api/v1/stats', { headers: { authorization: basic('leaky@example.com', 'leak-test-pass') } });
    // Errors are the likeliest place to echo input back.
    await call('/auth/refresh', { method: 'POST', headers: { authorization: bearer(accessToken) } });
    await graphql('{ me { id } }', { authorization: bearer(`${accessToken}x`) });
    await call('/api/v1/users/me', { headers: { cookie: `${cookie}x` } });
    expect(secrets.size).toBeGreaterThanOrEqual(6);
  });
});
