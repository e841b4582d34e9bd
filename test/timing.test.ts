import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startTestServer, type TestServer } from './support/testServer';

// A wrong password for an existing account and any password for an unknown account must take the
// same time, or response times reveal which accounts exist. Trials alternate between the two so
// drift in machine load hits both equally; medians resist outliers.
const TRIALS = 25;
const BOUND_MS = 8;
const BOUND_RATIO = 0.3;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_ACCOUNT: '1000000', RATE_LIMIT_PER_IP: '1000000' } });
});
afterAll(() => server.close());

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function timed(send: () => Promise<Response>, expectStatus: number[]): Promise<number> {
  const started = performance.now();
  const response = await send();
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  expect(expectStatus).toContain(response.status);
  return elapsed;
}

async function compare(a: () => Promise<number>, b: () => Promise<number>) {
  await a();
  await b();
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let i = 0; i < TRIALS; i += 1) {
    timesA.push(await a());
    timesB.push(await b());
  }
  const [medianA, medianB] = [median(timesA), median(timesB)];
  return { medianA, medianB, difference: Math.abs(medianA - medianB), bound: Math.max(BOUND_MS, BOUND_RATIO * Math.min(medianA, medianB)) };
}

const graphqlLogin = (username: string) => () =>
  timed(
    () =>
      fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation { login(username: "${username}", password: "not-the-password") { __typename } }` }),
      }),
    [200],
  );
const txLogin = (username: string) => () =>
  timed(
    () =>
      fetch(`${server.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'not-the-password' }),
      }),
    [401],
  );
const raBasic = (username: string) => () =>
  timed(() => fetch(`${server.url}/api/token`, { headers: { authorization: basic(username, 'not-the-password') } }), [401]);
const hbLogin = (email: string) => () =>
  timed(
    () =>
      fetch(`${server.url}/api/v1/auth_session/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `email=${encodeURIComponent(email)}&password=not-the-password`,
      }),
    [401, 404],
  );

describe('login timing does not reveal whether an account exists', () => {
  it.each([
    ['GraphQL login', graphqlLogin('user'), graphqlLogin('nobody-at-all')],
    ['TX /auth/login', txLogin('user'), txLogin('nobody-at-all')],
    ['RA Basic on /api/token', raBasic('user'), raBasic('nobody-at-all')],
    ['HB form login', hbLogin('bob@hbtn.io'), hbLogin('nobody@hbtn.io')],
  ])('%s: wrong password vs unknown user', async (_path, existing, unknown) => {
    const { medianA, medianB, difference, bound } = await compare(existing, unknown);
    expect(difference, `medians ${medianA.toFixed(1)} ms vs ${medianB.toFixed(1)} ms`).toBeLessThan(bound);
  });

  it('the measurement can see a difference when there is one', async () => {
    // A malformed Basic header is refused without any argon2 work: that gap must be visible.
    const noHashing = () => timed(() => fetch(`${server.url}/api/token`, { headers: { authorization: 'Basic !!!' } }), [401]);
    const { medianA, medianB, difference, bound } = await compare(raBasic('user'), noHashing);
    expect(difference, `medians ${medianA.toFixed(1)} ms vs ${medianB.toFixed(1)} ms`).toBeGreaterThan(bound);
  });
});
