import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startTestServer, type TestServer } from './support/testServer';

// Issue 11, item 11: the body limit comes before any password check, on every route, whatever the
// framing: a chunked body over the limit is 413 and never costs an argon2 verification.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { BODY_LIMIT_BYTES: '1024' } });
});
afterAll(() => server.close());

/** Sends `chunks` with Transfer-Encoding: chunked (no Content-Length). */
function chunked(method: string, path: string, headers: Record<string, string>, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method, headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    // The server may answer and close before every chunk is written.
    req.on('error', (error) => (error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error)));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const OVERSIZED = Array.from({ length: 8 }, () => 'x'.repeat(512));

describe.each([
  ['HB', 'POST', '/api/v1/users', { error: 'Request Entity Too Large' }],
  ['HB, a GET', 'GET', '/api/v1/users', { error: 'Request Entity Too Large' }],
  ['HB login', 'POST', '/api/v1/auth_session/login', { error: 'Request Entity Too Large' }],
  ['TX', 'DELETE', '/api/ships/1', { error: 'Request Entity Too Large' }],
  ['TX login', 'POST', '/auth/login', { error: 'Request Entity Too Large' }],
  ['RA', 'GET', '/api/token', { error: 'Request Entity Too Large' }],
] as const)('%s: %s %s with a chunked body over the limit', (_dialect, method, path, body) => {
  it.each([
    ['a wrong Basic password', basic('user', 'wrong')],
    ['the right Basic password', basic('user', 'password')],
  ])('and %s is 413, with no password checked', async (_name, authorization) => {
    const before = server.events.length;
    const response = await chunked(method, path, { authorization, 'content-type': 'application/json' }, OVERSIZED);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual(body);
    expect(server.events.slice(before).filter((e) => e.event.startsWith('login_'))).toEqual([]);
  });
});

it('a chunked body within the limit is still read', async () => {
  const response = await chunked('POST', '/auth/login', { 'content-type': 'application/json' }, ['{"username":"user",', '"password":"password"}']);
  expect(response.status).toBe(200);
});
