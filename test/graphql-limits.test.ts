import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_LIMITS } from '../src/graphql/limits';
import { startTestServer, type TestServer } from './support/testServer';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function post(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string }[] } };
}

const rejectedWith = (body: { errors?: { message: string }[] }, text: string) => body.errors?.some((e) => e.message.includes(text)) ?? false;

/** A selection `depth` fields deep, through User.ships and Ship.createdBy. */
function nested(depth: number): string {
  let selection = 'id';
  for (let level = depth - 1; level >= 2; level -= 1) selection = `${level % 2 === 0 ? 'ships' : 'createdBy'} { ${selection} }`;
  return `user(id: 1) { ... on User { ${selection} } }`;
}

describe('depth limit', () => {
  it(`accepts depth ${GRAPHQL_LIMITS.maxDepth} and rejects ${GRAPHQL_LIMITS.maxDepth + 1}`, async () => {
    const ok = await post(`{ ${nested(GRAPHQL_LIMITS.maxDepth)} }`);
    expect(ok.body.errors).toBeUndefined();
    const deep = await post(`{ ${nested(GRAPHQL_LIMITS.maxDepth + 1)} }`);
    expect(rejectedWith(deep.body, `Query depth limit of ${GRAPHQL_LIMITS.maxDepth} exceeded`)).toBe(true);
    expect(deep.body.data).toBeUndefined();
  });

  it('counts a fragment named __schema (a known bypass)', async () => {
    const ok = await post(`query { ...__schema } fragment __schema on Query { ${nested(GRAPHQL_LIMITS.maxDepth)} }`);
    expect(ok.body.errors).toBeUndefined();
    const deep = await post(`query { ...__schema } fragment __schema on Query { ${nested(GRAPHQL_LIMITS.maxDepth + 1)} }`);
    expect(rejectedWith(deep.body, 'Query depth limit')).toBe(true);
  });

  it('counts an operation named __schema', async () => {
    const ok = await post(`query __schema { ${nested(GRAPHQL_LIMITS.maxDepth)} }`);
    expect(ok.body.errors).toBeUndefined();
    const deep = await post(`query __schema { ${nested(GRAPHQL_LIMITS.maxDepth + 1)} }`);
    expect(rejectedWith(deep.body, 'Query depth limit')).toBe(true);
  });

  it('still lets GraphiQL introspect the schema', async () => {
    const introspection = await post('{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }');
    expect(introspection.body.errors).toBeUndefined();
  });
});

describe('alias limit', () => {
  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
  it(`accepts ${GRAPHQL_LIMITS.maxAliases} aliases and rejects ${GRAPHQL_LIMITS.maxAliases + 1}`, async () => {
    expect((await post(aliases(GRAPHQL_LIMITS.maxAliases))).body.errors).toBeUndefined();
    expect(rejectedWith((await post(aliases(GRAPHQL_LIMITS.maxAliases + 1))).body, `Aliases limit of ${GRAPHQL_LIMITS.maxAliases} exceeded`)).toBe(true);
  });
});

describe('directive limit', () => {
  const directives = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `d${i}: __typename @include(if: true)`).join(' ')} }`;
  it(`accepts ${GRAPHQL_LIMITS.maxDirectives} directives and rejects ${GRAPHQL_LIMITS.maxDirectives + 1}`, async () => {
    expect((await post(directives(GRAPHQL_LIMITS.maxDirectives))).body.errors).toBeUndefined();
    expect(rejectedWith((await post(directives(GRAPHQL_LIMITS.maxDirectives + 1))).body, `Directives limit of ${GRAPHQL_LIMITS.maxDirectives} exceeded`)).toBe(
      true,
    );
  });
});

describe('token limit', () => {
  // 38 fixed tokens plus one per role string (commas are not tokens in GraphQL).
  const tokens = (n: number) =>
    `mutation { createShip(input: {affiliation: "a", category: "b", crew: 1, length: 1, manufacturer: "m", model: "x", shipClass: "c", roles: [${Array(n - 38)
      .fill('"r"')
      .join(', ')}]}) { __typename } }`;
  it(`accepts ${GRAPHQL_LIMITS.maxTokens} tokens and rejects ${GRAPHQL_LIMITS.maxTokens + 1}`, async () => {
    expect((await post(tokens(GRAPHQL_LIMITS.maxTokens))).body.errors).toBeUndefined();
    expect(rejectedWith((await post(tokens(GRAPHQL_LIMITS.maxTokens + 1))).body, `Token limit of ${GRAPHQL_LIMITS.maxTokens} exceeded`)).toBe(true);
  });
});

describe('result-size (cost) limit', () => {
  const limit = GRAPHQL_LIMITS.maxResultObjects;
  // users(first: a) { nodes { ships(first: b) { __typename } } } counts a * (2 + b) objects: a pages,
  // each holding its node list and b ships (the rule assumes every list is as long as `first`).
  const pages = (alias: string, a: number, b: number) => `${alias}: users(first: ${a}) { ... on UserPage { nodes { ships(first: ${b}) { __typename } } } }`;
  const exactly25000 = `{ ${pages('a', 100, 100)} ${pages('b', 100, 100)} ${pages('c', 46, 98)} }`;

  it(`accepts ${limit} objects and rejects ${limit + 1}`, async () => {
    expect(limit).toBe(10_200 + 10_200 + 4_600);
    const ok = await post(exactly25000);
    expect(ok.body.errors).toBeUndefined();
    const over = await post(`${exactly25000.slice(0, -1)} me { id } }`);
    expect(rejectedWith(over.body, `Query result size limit of ${limit} objects exceeded, found ${limit + 1}.`)).toBe(true);
    expect(over.body.data).toBeUndefined();
  });

  it('counts a list whose length comes from a variable at the maximum page size', async () => {
    const query = 'query ($n: Int) { users(first: $n) { ... on UserPage { nodes { ships(first: $n) { createdBy { ships(first: $n) { id } } } } } } }';
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { n: 1 } }),
    });
    const body = (await response.json()) as { errors?: { message: string }[] };
    expect(rejectedWith(body, 'Query result size limit')).toBe(true);
  });

  it('counts a fragment once however often it is spread, so doubling fragments cannot stall validation', async () => {
    // F0 spreads F1 twice, F1 spreads F2 twice, …: 2^40 objects, counted in 41 steps, not 2^40.
    let document = 'query { ...F0 }';
    for (let i = 0; i < 40; i += 1) document += ` fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`;
    document += ' fragment F40 on Query { me { id } }';
    expect(rejectedWith((await post(document)).body, `found ${2 ** 40}.`)).toBe(true);
  });

  it("counts fragments, and a user's ships at the default page size when `first` is omitted", async () => {
    const fragment = 'fragment Deep on User { ships { createdBy { ships { createdBy { ships { createdBy { id } } } } } } }';
    // user, then three levels of 20 ships each with its creator: 1 + 20 * (2 + 20 * (2 + 20 * 2)) = 16,841.
    expect((await post(`{ user(id: 1) { ... on User { ...Deep } } } ${fragment}`)).body.errors).toBeUndefined();
    const twice = await post(`{ a: user(id: 1) { ... on User { ...Deep } } b: user(id: 2) { ... on User { ...Deep } } } ${fragment}`);
    expect(rejectedWith(twice.body, `found ${2 * 16_841}.`)).toBe(true);
  });
});

describe('CSRF and GET', () => {
  it('refuses a simple (form-encoded) POST without a CSRF header', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: '_my_session_id=x' },
      body: 'query=%7B__typename%7D',
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe('Required CSRF header(s) not present');
  });

  it('refuses a GET query without a CSRF header, and accepts one with it', async () => {
    const url = `${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`;
    expect((await fetch(url)).status).toBe(403);
    const ok = await fetch(url, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses mutations over GET', async () => {
    const url = `${server.url}/graphql?query=${encodeURIComponent('mutation { deleteMe { __typename } }')}`;
    const response = await fetch(url, { headers: { 'x-graphql-yoga-csrf': '1', authorization: 'Basic dXNlcjpwYXNzd29yZA==' } });
    expect(response.status).toBe(405);
    const me = await post('{ me { id } }', { authorization: 'Basic dXNlcjpwYXNzd29yZA==' });
    expect(me.body.data).toEqual({ me: { id: 1 } });
  });
});

describe('production switches', () => {
  it('turn introspection and field suggestions off', async () => {
    const production = await startTestServer({ env: { NODE_ENV: 'production', SEED_DEMO: '0' } });
    try {
      const query = async (q: string) => {
        const r = await fetch(`${production.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: q }),
        });
        return (await r.json()) as { errors?: { message: string }[] };
      };
      expect((await query('{ __schema { types { name } } }')).errors?.[0]?.message).toMatch(/introspection/i);
      const typo = await query('{ shipz { __typename } }');
      expect(typo.errors?.[0]?.message).toBe('Cannot query field "shipz" on type "Query". [Suggestion hidden]');
    } finally {
      await production.close();
    }
  });

  it('are on outside production', async () => {
    const typo = await post('{ shipz { __typename } }');
    expect(typo.body.errors?.[0]?.message).toMatch(/Did you mean "ship/);
  });
});

describe('body size', () => {
  it('answers 413 for a body over BODY_LIMIT_BYTES before reading it', async () => {
    const padding = 'x'.repeat(102400);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { padding } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ errors: [{ message: 'Request body larger than 102400 bytes', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('answers 411 for a chunked body', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/graphql`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.write('{"query":');
      req.end('"{ __typename }"}');
    });
    expect(status).toBe(411);
  });
});
