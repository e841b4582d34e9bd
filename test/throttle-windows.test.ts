import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, RegisterDocument } from './operations/generated';
import { gql, startTestServer, type TestServer } from './support/testServer';

// Issue 11, items 8 and 9: one count per account whatever identifier is typed, and a sliding
// window that no span of RATE_LIMIT_WINDOW seconds can exceed.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_WINDOW: '4', RATE_LIMIT_PER_ACCOUNT: '10', RATE_LIMIT_PER_IP: '100000' } });
});
afterAll(() => server.close());

/** One wrong-password login: 'counted' (answered 401-style) or 'throttled' (429). */
async function guess(username: string): Promise<'counted' | 'throttled'> {
  const response = await gql(server, LoginDocument, { username, password: 'wrong' });
  if (response.status === 429) return 'throttled';
  expect(response.data?.login.__typename).toBe('UnauthenticatedError');
  return 'counted';
}

describe('8. an account with a username and an email', () => {
  it('gets RATE_LIMIT_PER_ACCOUNT guesses in all, not that many per identifier', async () => {
    await gql(server, RegisterDocument, { input: { username: 'dual', email: 'dual@hbtn.io', password: 'dual-pass' } });
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i += 1) outcomes.push(await guess(i % 2 === 0 ? 'dual' : 'dual@hbtn.io'));
    expect(outcomes).toEqual(Array(10).fill('counted'));
    expect(await guess('dual@hbtn.io')).toBe('throttled');
    expect(await guess('dual')).toBe('throttled');
    // Unknown identifiers are still counted one by one.
    expect(await guess('nobody-at-all')).toBe('counted');
    server.clock.advance(5);
  });
});

describe('9. a sliding window', () => {
  it('refuses the second burst that fixed windows let through at a boundary', async () => {
    await gql(server, RegisterDocument, { input: { username: 'boundary', password: 'boundary-pass' } });
    expect(await guess('boundary')).toBe('counted');
    server.clock.advance(3.9);
    for (let i = 0; i < 9; i += 1) expect(await guess('boundary')).toBe('counted');
    server.clock.advance(0.2);
    // A fixed window started by the first guess has just ended; the last 4 s still hold 9 guesses.
    const burst: string[] = [];
    for (let i = 0; i < 10; i += 1) burst.push(await guess('boundary'));
    expect(burst).toEqual(['counted', ...Array(9).fill('throttled')]);
    const refused = await gql(server, LoginDocument, { username: 'boundary', password: 'wrong' });
    expect(refused.headers.get('retry-after')).toBe('4');
    server.clock.advance(5);
  });

  it('no 4-second span ever holds more than 10 counted guesses, and a steady client is not starved', async () => {
    await gql(server, RegisterDocument, { input: { username: 'steady', password: 'steady-pass' } });
    const counted: number[] = [];
    for (let step = 0; step < 80; step += 1) {
      if ((await guess('steady')) === 'counted') counted.push(server.clock.ms);
      server.clock.advance(step % 7 === 0 ? 1.3 : 0.1);
    }
    for (const start of counted) expect(counted.filter((t) => t >= start && t < start + 4000).length).toBeLessThanOrEqual(10);
    const spanSeconds = (counted.at(-1)! - counted[0]!) / 1000;
    expect(counted.length).toBeGreaterThanOrEqual(Math.floor(spanSeconds / 4) * 10);
  });
});
