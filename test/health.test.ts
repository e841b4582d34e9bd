import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './support/http';
import { basic, startTestServer, type TestServer } from './support/testServer';

// The probes with the database up, on the suite's engine. test/outage.pg.test.ts takes the database away.

describe('health probes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('/healthz and /readyz answer 200 in JSON, with the security headers and no caching', async () => {
    for (const [path, body] of [
      ['/healthz', { status: 'ok' }],
      ['/readyz', { status: 'ready' }],
    ] as const) {
      const response = await http(server, 'GET', path);
      expect({ status: response.status, json: response.json }, path).toEqual({ status: 200, json: body });
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('need no credentials and ignore bad ones', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await http(server, 'GET', path, { headers: { Authorization: basic('user', 'wrong'), Cookie: '_my_session_id=stale' } });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('set-cookie'), path).toBeNull();
    }
  });

  it('answer HEAD, and other methods with a JSON 405', async () => {
    const head = await fetch(`${server.url}/readyz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await http(server, 'POST', '/healthz', { json: {} });
    expect({ status: post.status, json: post.json, allow: post.headers.get('allow') }).toEqual({
      status: 405,
      json: { error: 'Method Not Allowed' },
      allow: 'GET, HEAD, OPTIONS',
    });
  });

  it('match their paths exactly: /healthz/ is no probe', async () => {
    const response = await http(server, 'GET', '/healthz/');
    expect({ status: response.status, json: response.json }).toEqual({ status: 404, json: { error: 'Not Found' } });
  });
});
