import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument } from './operations/generated';
import { basic, bearer, gql, startTestServer, type TestServer } from './support/testServer';

let server: TestServer;
let accessToken: string;
let refreshToken: string;

beforeAll(async () => {
  server = await startTestServer();
  const { data } = await gql(server, LoginDocument, { username: 'user', password: 'password' });
  if (data?.login.__typename !== 'TokenPair') throw new Error('login failed');
  ({ accessToken, refreshToken } = data.login);
});
afterAll(() => server.close());

async function me(headers: Record<string, string>) {
  return gql(server, MeDocument, undefined, headers);
}

async function sessionCookie(): Promise<string> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { openSession(username: "guest", password: "guest") { __typename } }' }),
  });
  const cookie = response.headers.get('set-cookie')!;
  return cookie.split(';')[0]!;
}

describe('each credential path identifies the viewer', () => {
  it.each([
    ['Basic username:password', () => basic('user', 'password'), 'user'],
    ['Basic email:password', () => basic('bob@hbtn.io', 'H0lbertonSchool98!'), 'bob@hbtn.io'],
    ['Basic with a token as the username', () => basic(accessToken, 'ignored'), 'user'],
    ['Basic with a token and an empty password', () => basic(accessToken, ''), 'user'],
    ['Bearer access token', () => bearer(accessToken), 'user'],
    ['lower-case scheme', () => `bearer ${accessToken}`, 'user'],
  ])('%s', async (_name, header, username) => {
    const response = await me({ authorization: header() });
    expect(response.status).toBe(200);
    expect(response.data?.me?.username).toBe(username);
  });

  it('session cookie', async () => {
    const response = await me({ cookie: await sessionCookie() });
    expect(response.data?.me?.username).toBe('guest');
  });

  it('no credentials is anonymous, not an error', async () => {
    const response = await me({});
    expect(response.status).toBe(200);
    expect(response.data?.me).toBeNull();
  });
});

describe('bad credentials are an error, never anonymous', () => {
  it.each([
    ['wrong password', () => basic('user', 'nope'), 'Invalid username or password'],
    ['unknown user (same message)', () => basic('nobody', 'password'), 'Invalid username or password'],
    ['unknown email', () => basic('nobody@example.com', 'x'), 'Invalid username or password'],
    ['Basic that is not base64', () => 'Basic %%%not-base64%%%', 'Malformed Authorization header'],
    ['Basic without a colon', () => `Basic ${Buffer.from('just-a-name').toString('base64')}`, 'Malformed Authorization header'],
    ['Basic with invalid UTF-8', () => `Basic ${Buffer.from([0xff, 0x3a, 0x41]).toString('base64')}`, 'Malformed Authorization header'],
    ['unknown scheme', () => 'Digest abc', 'Malformed Authorization header'],
    ['Bearer with no token', () => 'Bearer', 'Malformed Authorization header'],
    ['Bearer garbage', () => bearer('not.a.jwt'), 'Malformed token'],
    ['Bearer tampered signature', () => bearer(`${accessToken.slice(0, -4)}AAAA`), 'Invalid token'],
    ['Bearer refresh token', () => bearer(refreshToken), 'An access token is required'],
    ['Basic with a refresh token', () => basic(refreshToken, 'x'), 'An access token is required'],
    ['bad cookie', () => '', 'Session is invalid'],
  ])('%s → 401', async (name, header, message) => {
    const headers: Record<string, string> = name === 'bad cookie' ? { cookie: '_my_session_id=forged' } : { authorization: header() };
    const response = await me(headers);
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
  });

  it('clears a dead session cookie so the browser can start over', async () => {
    const response = await me({ cookie: '_my_session_id=forged' });
    expect(response.headers.get('set-cookie')).toMatch(/^_my_session_id=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
  });
});

describe('precedence', () => {
  it('an Authorization header wins over the session cookie', async () => {
    const cookie = await sessionCookie();
    const both = await me({ cookie, authorization: basic('user', 'password') });
    expect(both.data?.me?.username).toBe('user');
    // A bad header is not rescued by a good cookie.
    const badHeader = await me({ cookie, authorization: basic('user', 'wrong') });
    expect(badHeader.status).toBe(401);
  });
});
