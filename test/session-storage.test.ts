import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../src/entities';
import { CloseSessionDocument, LoginDocument, OpenSessionDocument, RevokeTokenDocument } from './operations/generated';
import { gql, startTestServer, type TestServer } from './support/testServer';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: 'loopback' } });
});
afterAll(() => server.close());

describe('session storage', () => {
  it('keeps only the SHA-256 of the session id', async () => {
    const opened = await gql(server, OpenSessionDocument, { username: 'user', password: 'password' });
    const sessionId = opened.headers.get('set-cookie')!.split(';')[0]!.split('=')[1]!;
    expect(Buffer.from(sessionId, 'base64url')).toHaveLength(32);
    const em = server.running.runtime.orm.em.fork();
    const rows = await em.find(Session, {});
    expect(rows.map((r) => r.idHash)).toContain(createHash('sha256').update(sessionId).digest('hex'));
    const dump = JSON.stringify(await em.getConnection().execute('select * from sessions'));
    expect(dump).not.toContain(sessionId);
  });

  it('marks the cookie Secure when a trusted proxy says the request came over TLS', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ query: 'mutation { openSession(username: "guest", password: "guest") { __typename } }' }),
    });
    expect(response.headers.get('set-cookie')).toMatch(/; Secure/);
  });
});

describe('auth events', () => {
  it('log token issue and revocation and session open and close, by id only', async () => {
    server.events.length = 0;
    const pair = (await gql(server, LoginDocument, { username: 'user', password: 'password' })).data!.login;
    if (pair.__typename !== 'TokenPair') throw new Error('login failed');
    await gql(server, RevokeTokenDocument, { token: pair.accessToken });
    const opened = await gql(server, OpenSessionDocument, { username: 'user', password: 'password' });
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    await gql(server, CloseSessionDocument, undefined, { cookie });
    expect(server.events.map((e) => e.event)).toEqual([
      'login_succeeded',
      'token_issued',
      'token_issued',
      'token_revoked',
      'login_succeeded',
      'session_opened',
      'session_closed',
    ]);
    const logged = JSON.stringify(server.events);
    expect(logged).not.toContain(pair.accessToken);
    expect(logged).not.toContain(pair.refreshToken);
    expect(logged).not.toContain(cookie.split('=')[1]);
  });
});

describe('GraphQL batching', () => {
  it('is refused', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toMatch(/batch/i);
  });
});

describe('masked errors', () => {
  it('an internal failure reaches the client as "Unexpected error." with nothing inside', async () => {
    const broken = await startTestServer();
    try {
      // Pull the database out from under a running server.
      await broken.running.runtime.orm.close();
      const response = await fetch(`${broken.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ ship(id: 1) { ... on Ship { model } } }' }),
      });
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(JSON.parse(text)).toEqual({
        data: null,
        errors: [{ message: 'Unexpected error.', locations: [{ line: 1, column: 3 }], path: ['ship'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      });
      expect(text).not.toMatch(/select|sqlite|stack|at \w+ \(/i);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});
