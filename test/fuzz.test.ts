import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authArb,
  describeWire,
  graphqlRequestArb,
  isGraphQLPath,
  KNOWN_PAIRS,
  materialize,
  mediaType,
  nastyString,
  problemsOf,
  restRequestArb,
  routedPath,
  send,
  TOKEN_NAMES,
  type CookieSpec,
  type RealCredentials,
  type RequestSpec,
  type TokenName,
  type WireRequest,
  type WireResponse,
} from './support/fuzz';
import { bearer, startTestServer, type TestServer } from './support/testServer';

// Property-based fuzzing of every route of every REST dialect and of /graphql, against a real
// server (see test/support/fuzz.ts for the generators). For every exchange: no 5xx, the server
// still answers a known-good request afterwards, and every error (status >= 400) has a JSON body
// with Content-Type application/json — `{"error": "..."}` on the REST dialects, an `errors` array
// on /graphql — except RA's documented 401 (text/html `Unauthorized Access` with
// `WWW-Authenticate: Basic realm="Authentication Required"` on /api/token and /api/resource).
// 204, 304 and HEAD answers have no body to check.
//
// Reproducing a failure: fast-check prints `seed` and `path` of the (shrunk) counterexample, and the
// error shows the request as sent and the answer. Rerun just that case with
//   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/fuzz.test.ts -t '<test name>'
// Other knobs: FUZZ_RUNS=<n> (runs per property), FUZZ_NO_SHRINK=1 (report the first failure as
// is), FUZZ_STATS=1 (print a status histogram),
// FUZZ_TRACE=1 (print every exchange's status and request line).

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20260115;
const RUNS = process.env.FUZZ_RUNS !== undefined ? Number(process.env.FUZZ_RUNS) : undefined;

function params(numRuns: number): fc.Parameters<unknown> {
  return {
    seed: SEED,
    numRuns: RUNS ?? numRuns,
    ...(process.env.FUZZ_PATH !== undefined && { path: process.env.FUZZ_PATH }),
    endOnFailure: process.env.FUZZ_NO_SHRINK === '1',
  };
}

const BODY_LIMIT = 102_400;

let server: TestServer;
let creds: RealCredentials;
const statuses = new Map<string, number>();

async function graphql(target: { url: string }, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { response, body: (await response.json()) as { data: Record<string, Record<string, string> & { user?: { uuid: string } }> } };
}

async function login(username: string, password: string): Promise<{ access: string; refresh: string }> {
  const { body } = await graphql(
    server,
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on TokenPair { accessToken refreshToken } } }',
    { u: username, p: password },
  );
  const pair = body.data.login!;
  expect(pair.accessToken, `login ${username}`).toBeTypeOf('string');
  return { access: pair.accessToken!, refresh: pair.refreshToken! };
}

async function openSession(username: string, password: string): Promise<string> {
  const { response } = await graphql(server, 'mutation($u: String!, $p: String!) { openSession(username: $u, password: $p) { __typename } }', {
    u: username,
    p: password,
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('_my_session_id='));
  expect(cookie, `session for ${username}`).toBeDefined();
  return cookie!.split(';')[0]!.slice('_my_session_id='.length);
}

/** The known-good requests: HB's status and GraphQL's __typename, both independent of demo data. */
async function expectHealthy(target: { url: string }): Promise<void> {
  const status = await fetch(`${target.url}/api/v1/status`);
  expect({ status: status.status, body: await status.json() }).toEqual({ status: 200, body: { status: 'OK' } });
  const { response, body } = await graphql(target, '{ __typename }');
  expect({ status: response.status, body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
}

function tally(request: WireRequest, response: WireResponse): void {
  const path = routedPath(request.path);
  const face = isGraphQLPath(request.path)
    ? 'graphql'
    : path.startsWith('/api/v1')
      ? 'HB'
      : /^\/api\/(token|resource)$/.test(path)
        ? 'RA'
        : /^\/(auth|api)\//.test(path)
          ? 'TX'
          : 'other';
  const key = `${face} ${response.status} ${mediaType(response.headers['content-type']) || '-'}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
}

/**
 * Tokens the fuzz may revoke or log out, minted afresh for each case that names them (from mint
 * tokens the fuzz never sees), so one /auth/logout does not end authenticated fuzzing for the rest.
 * If minting fails (the fuzz deleted the user) the case uses the token from beforeAll.
 */
const MINTED: TokenName[] = ['userAccess', 'guestAccess', 'bobAccess'];
let mintTokens: Partial<Record<TokenName, string>> = {};

async function withFreshTokens(target: { url: string }, spec: RequestSpec, credentials: RealCredentials): Promise<RealCredentials> {
  const names = new Set<TokenName>();
  if (spec.auth.kind === 'token') {
    names.add(spec.auth.which);
    if (spec.auth.tamper.kind === 'swapPayload') names.add(spec.auth.tamper.from);
  }
  const tokens = { ...credentials.tokens };
  for (const name of names) {
    const mint = mintTokens[name];
    if (!MINTED.includes(name) || mint === undefined) continue;
    const response = await fetch(`${target.url}/api/token`, { headers: { authorization: bearer(mint) } });
    if (response.status === 200) tokens[name] = ((await response.json()) as { token: string }).token;
    else await response.body?.cancel();
  }
  return { ...credentials, tokens };
}

/** Sends one generated request and checks the answer; throws with the exchange on a problem. */
async function exchange(target: { url: string }, spec: RequestSpec, credentials: RealCredentials): Promise<void> {
  const request = materialize(spec, await withFreshTokens(target, spec, credentials), BODY_LIMIT);
  let response: WireResponse;
  try {
    response = await send(target.url, request);
  } catch (error) {
    throw new Error(`${String(error)}\n${describeWire(request)}`, { cause: error });
  }
  tally(request, response);
  if (process.env.FUZZ_TRACE === '1')
    console.log(`${response.status} ${request.method} ${request.path.slice(0, 100)} ${(request.headers.authorization ?? '').slice(0, 30)}`);
  const problems = problemsOf(request, response);
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n${describeWire(request, response)}`);
}

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_ACCOUNT: '1000000', RATE_LIMIT_PER_IP: '1000000', TRUST_PROXY: '1' } });
  const user = await login('user', 'password');
  const guest = await login('guest', 'guest');
  const bob = await login('bob@hbtn.io', 'H0lbertonSchool98!');
  // An access token issued an hour ago has expired (TOKEN_DURATION is 600 s).
  server.clock.advance(-3600);
  const old = await login('guest', 'guest');
  server.clock.advance(3600);
  const revoked = await login('user', 'password');
  await graphql(server, 'mutation($t: String!) { revokeToken(token: $t) { __typename } }', { t: revoked.access });
  await graphql(server, 'mutation { register(input: { username: "fuzzgone", password: "gone-gone" }) { __typename } }');
  const gone = await login('fuzzgone', 'gone-gone');
  const deleted = await graphql(server, 'mutation { deleteMe { __typename } }', {}, { authorization: bearer(gone.access) });
  expect(deleted.body.data.deleteMe!.__typename).toBe('DeletedUser');
  const closed = await openSession('guest', 'guest');
  await graphql(server, 'mutation { closeSession { __typename } }', {}, { cookie: `_my_session_id=${closed}` });
  const me = await graphql(server, '{ me { uuid } }', {}, { authorization: bearer(bob.access) });
  mintTokens = {
    userAccess: (await login('user', 'password')).access,
    guestAccess: (await login('guest', 'guest')).access,
    bobAccess: (await login('bob@hbtn.io', 'H0lbertonSchool98!')).access,
  };
  const tokens: Record<TokenName, string> = {
    userAccess: user.access,
    userRefresh: user.refresh,
    guestAccess: guest.access,
    guestRefresh: guest.refresh,
    bobAccess: bob.access,
    expiredAccess: old.access,
    revokedAccess: revoked.access,
    goneAccess: gone.access,
    goneRefresh: gone.refresh,
  };
  expect(Object.keys(tokens).sort()).toEqual([...TOKEN_NAMES].sort());
  creds = {
    tokens,
    sessions: { bob: await openSession('bob@hbtn.io', 'H0lbertonSchool98!'), user: await openSession('user', 'password'), closed },
    bobUuid: (me.body.data.me as unknown as { uuid: string }).uuid,
    sessionName: '_my_session_id',
  };
});

afterAll(async () => {
  if (server) {
    await expectHealthy(server);
    await server.close();
  }
  if (process.env.FUZZ_STATS === '1') {
    console.log(
      [...statuses]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k}: ${n}`)
        .join('\n'),
    );
  }
});

describe('fuzz', () => {
  it('REST: random methods, paths, headers, cookies and bodies on every dialect', async () => {
    await fc.assert(
      fc.asyncProperty(restRequestArb, async (spec) => {
        await exchange(server, spec, creds);
        await expectHealthy(server);
      }),
      params(300),
    );
  }, 180_000);

  it('GraphQL: random documents, variables and framings', async () => {
    await fc.assert(
      fc.asyncProperty(graphqlRequestArb, async (spec) => {
        await exchange(server, spec, creds);
        await expectHealthy(server);
      }),
      params(250),
    );
  }, 180_000);

  it('a few requests at once, REST and GraphQL mixed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(restRequestArb, graphqlRequestArb), { minLength: 2, maxLength: 5 }), async (specs) => {
        await Promise.all(specs.map((spec) => exchange(server, spec, creds)));
        await expectHealthy(server);
      }),
      params(40),
    );
  }, 180_000);
});

describe('fuzz against the password throttle', () => {
  let throttled: TestServer;
  let seen429 = 0;

  beforeAll(async () => {
    throttled = await startTestServer({ env: { RATE_LIMIT_PER_ACCOUNT: '2', RATE_LIMIT_PER_IP: '4' } });
  });
  afterAll(async () => {
    await expectHealthy(throttled);
    await throttled.close();
  });

  const pair = fc.oneof(fc.constantFrom(...KNOWN_PAIRS), fc.tuple(nastyString, nastyString));
  const loginSpec: fc.Arbitrary<RequestSpec> = fc.oneof(
    // A password in a Basic header, on any face.
    fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
      path: fc.constantFrom(
        '/api/token',
        '/api/resource',
        '/api/v1/users/me',
        '/api/v1/stats',
        '/api/ships',
        '/auth/logout',
        '/auth/refresh',
        '/graphql',
        '/api/users/1',
      ),
      auth: fc.oneof(
        pair.map((p) => ({ kind: 'pair' as const, scheme: 'Basic', pair: p })),
        authArb,
      ),
      cookies: fc.constant<CookieSpec[]>([]),
      headers: fc.constant<[string, string][]>([]),
      contentType: fc.constant('application/json'),
      body: fc.constant({ kind: 'json' as const, value: { query: '{ me { id } }' } }),
      encoding: fc.constant('none' as const),
      chunked: fc.constant(false),
    }),
    // The login endpoints' own bodies: TX, HB and GraphQL.
    pair.chain(([username, password]) =>
      fc.constantFrom<RequestSpec>(
        {
          method: 'POST',
          path: '/auth/login',
          auth: { kind: 'none' },
          cookies: [],
          headers: [],
          contentType: 'application/json',
          body: { kind: 'json', value: { username, password } },
          encoding: 'none',
          chunked: false,
        },
        {
          method: 'POST',
          path: '/api/v1/auth_session/login',
          auth: { kind: 'none' },
          cookies: [],
          headers: [],
          contentType: 'application/x-www-form-urlencoded',
          body: { kind: 'text', text: new URLSearchParams({ email: username, password }).toString() },
          encoding: 'none',
          chunked: false,
        },
        ...['login', 'openSession'].map<RequestSpec>((field) => ({
          method: 'POST',
          path: '/graphql',
          auth: { kind: 'none' },
          cookies: [],
          headers: [],
          contentType: 'application/json',
          body: {
            kind: 'json',
            value: {
              query: `mutation($u: String!, $p: String!) { ${field}(username: $u, password: $p) { __typename } }`,
              variables: { u: username, p: password },
            },
          },
          encoding: 'none',
          chunked: false,
        })),
      ),
    ),
  );

  it('every throttled answer is a JSON 429 with Retry-After, and the server lives on', async () => {
    await fc.assert(
      fc.asyncProperty(loginSpec, async (spec) => {
        const request = materialize(spec, creds, BODY_LIMIT);
        const response = await send(throttled.url, request);
        tally(request, response);
        if (response.status === 429) seen429 += 1;
        const problems = problemsOf(request, response);
        if (problems.length > 0) throw new Error(`${problems.join('; ')}\n${describeWire(request, response)}`);
      }),
      params(60),
    );
    await expectHealthy(throttled);
    // Four failed logins from one address exhaust RATE_LIMIT_PER_IP, so the throttle was reached.
    expect(seen429).toBeGreaterThan(0);
  }, 120_000);
});
