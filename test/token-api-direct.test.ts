import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LoginDocument } from './operations/generated';
import { basic, bearer, gql, startTestServer, type TestServer } from './support/testServer';

// RA's GET /api/resource and /api/token are served before Express when the request has no body
// (src/rest/tokenApi/router.ts, tokenApiDirect). The same request with `Content-Length: 0` goes
// through Express's router. Both must answer alike, byte for byte but for the Date and request id.

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_ACCOUNT: '1000', RATE_LIMIT_PER_IP: '1000' } });
  const login = (await gql(server, LoginDocument, { username: 'user', password: 'password' })).data!.login;
  if (login.__typename !== 'TokenPair') throw new Error('login failed');
  token = login.accessToken;
});
afterAll(() => server.close());

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function get(path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        const { date: _date, 'x-request-id': _id, ...rest } = res.headers;
        resolve({ status: res.statusCode!, headers: rest, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The answer both ways, and how many times a request was given Express's prototype on each. */
async function bothWays(path: string, headers: Record<string, string>) {
  const swaps = vi.spyOn(Object, 'setPrototypeOf');
  try {
    const direct = await get(path, headers);
    const directSwaps = swaps.mock.calls.length;
    const viaExpress = await get(path, { ...headers, 'content-length': '0' });
    return { direct, viaExpress, directSwaps, expressSwaps: swaps.mock.calls.length - directSwaps };
  } finally {
    swaps.mockRestore();
  }
}

const cases: [string, () => Record<string, string>][] = [
  ['no credentials', () => ({})],
  ['a Bearer token', () => ({ authorization: bearer(token) })],
  ['the token as the Basic user', () => ({ authorization: basic(token, 'unused') })],
  ['Basic user:password', () => ({ authorization: basic('user', 'password') })],
  ['a wrong password', () => ({ authorization: basic('user', 'wrong') })],
  ['a forged token', () => ({ authorization: bearer(`${token.slice(0, -4)}AAAA`) })],
  ['a malformed header', () => ({ authorization: 'Basic !!!' })],
  ['another scheme', () => ({ authorization: 'Digest x' })],
];

describe('RA served before Express', () => {
  for (const [name, headers] of cases) {
    it(`answers ${name} as the router does`, async () => {
      const { direct, viaExpress } = await bothWays('/api/resource?x=1', headers());
      expect(direct).toEqual(viaExpress);
    });
  }

  it('takes the direct way for a body-less GET only, and never swaps prototypes when it succeeds', async () => {
    const { direct, directSwaps, expressSwaps } = await bothWays('/api/resource', { authorization: bearer(token) });
    expect(direct.status).toBe(200);
    expect(directSwaps).toBe(0);
    expect(expressSwaps).toBeGreaterThan(0);
  });

  it('issues a token from /api/token both ways, in the same shape', async () => {
    const { direct, viaExpress } = await bothWays('/api/token', { authorization: bearer(token) });
    expect(direct.status).toBe(200);
    expect(direct.headers).toEqual(viaExpress.headers);
    const [a, b] = [JSON.parse(direct.body), JSON.parse(viaExpress.body)];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(a.duration).toBe(b.duration);
  });

  it('logs the route and the user as the router does', async () => {
    const before = server.logs.length;
    await bothWays('/api/resource', { authorization: bearer(token) });
    const lines = server.logs.slice(before).filter((line) => line.type === 'request');
    expect(lines.map(({ route, status, userId, method }) => ({ route, status, userId, method }))).toEqual([
      { route: '/api/resource', status: 200, userId: 1, method: 'GET' },
      { route: '/api/resource', status: 200, userId: 1, method: 'GET' },
    ]);
  });

  it('leaves other methods, other paths and a trailing slash to Express', async () => {
    const head = await new Promise<number>((resolve, reject) =>
      request(`${server.url}/api/resource`, { method: 'HEAD', headers: { authorization: bearer(token) } }, (res) => resolve(res.statusCode!))
        .on('error', reject)
        .end(),
    );
    expect(head).toBe(200);
    expect((await get('/api/resource/', { authorization: bearer(token) })).status).toBe(404);
    expect((await get('/API/resource', { authorization: bearer(token) })).status).toBe(404);
  });
});
