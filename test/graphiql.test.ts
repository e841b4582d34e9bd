import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/testServer';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('GraphiQL', () => {
  it('is served to a browser GET with no assets from a CDN', async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<title>Hangar GraphiQL</title>');
    const external = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="(https?:)?\/\/[^"]+"/g)].map((m) => m[0]);
    expect(external).toEqual([]);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src( 'sha256-[^']+')+; /);
  });
});

/** The options the page passes to GraphiQL. */
async function graphiqlOptions(target: TestServer): Promise<Record<string, unknown>> {
  const html = await (await fetch(`${target.url}/graphql`, { headers: { accept: 'text/html' } })).text();
  const match = /renderYogaGraphiQL\(\s*window\.document\.querySelector\('#root'\),\s*(\{[\s\S]*?\}),\s*\);/.exec(html);
  if (!match) throw new Error('no GraphiQL options in the page');
  return JSON.parse(match[1]!) as Record<string, unknown>;
}

describe('GraphiQL settings (issue 11, items 14 and 16)', () => {
  it('does not persist request headers, and forgets those an earlier page saved', async () => {
    expect(await graphiqlOptions(server)).toMatchObject({ shouldPersistHeaders: false });
    const html = await (await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain("localStorage.removeItem('graphiql:headers')");
  });

  it('opens with a working example: openSession, then me', async () => {
    const { defaultQuery } = (await graphiqlOptions(server)) as { defaultQuery: string };
    expect(defaultQuery).toMatch(/mutation OpenSession[\s\S]*openSession\(/);
    expect(defaultQuery).toMatch(/query Me[\s\S]*me \{/);
    // Run it as GraphiQL would: each operation by name, the cookie carried over.
    const run = (operationName: string, cookie?: string) =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie && { cookie }) },
        body: JSON.stringify({ query: defaultQuery, operationName }),
      });
    const opened = await run('OpenSession');
    expect(await opened.json()).toEqual({ data: { openSession: { __typename: 'OpenedSession', user: { id: 1, username: 'user' } } } });
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    expect(await (await run('Me', cookie)).json()).toEqual({ data: { me: { id: 1, username: 'user' } } });
  });
});

describe('GraphiQL in production (issue 11, item 15)', () => {
  it('is replaced by a short page saying it is off, since introspection is off', async () => {
    const production = await startTestServer({ env: { NODE_ENV: 'production' } });
    try {
      const response = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('GraphiQL is off');
      expect(html).not.toContain('<script');
      expect(response.headers.get('content-security-policy')).not.toContain('script-src');
      // Introspection really is off, which is why.
      const introspect = await fetch(`${production.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __schema { queryType { name } } }"}',
      });
      expect(((await introspect.json()) as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
    } finally {
      await production.close();
    }
  });

  it('is served in production when GRAPHQL_INTROSPECTION=1', async () => {
    const production = await startTestServer({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: '1' } });
    try {
      expect(await graphiqlOptions(production)).toMatchObject({ shouldPersistHeaders: false });
    } finally {
      await production.close();
    }
  });
});

describe('security headers', () => {
  it("API responses carry the strict CSP and helmet's headers", async () => {
    for (const response of [
      await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }),
      await fetch(`${server.url}/api/ships/1`),
      await fetch(`${server.url}/no/such/path`),
    ]) {
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });
});
