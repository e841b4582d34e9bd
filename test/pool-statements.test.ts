import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitBucket } from '../src/entities';
import type { Statement } from '../src/db/statements';
import { http } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

// Fixed statements on a pooled connection (src/db/statements.ts), on the suite's engine, and the
// throttle's writes that run through them instead of MikroORM's query builder.

let server: TestServer;
const queries: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ onQuery: (sql) => queries.push(sql) });
});
afterAll(() => server.close());

const run = (statement: Statement, params: unknown[]) => server.running.runtime.statements(statement, params);

describe('pool statements', () => {
  it('binds a parameter that appears twice to the same value, and returns the rows', async () => {
    const statement: Statement = {
      name: 'test_reused_parameter',
      sql: (p) => `select cast(${p(1)} as text) as a, cast(${p(1)} as text) || cast(${p(2)} as text) as b`,
    };
    expect(await run(statement, ['x', 'y'])).toEqual([{ a: 'x', b: 'xy' }]);
    // Named statements are prepared once per connection; a second run with other values reuses it.
    expect(await run(statement, ['p', 'q'])).toEqual([{ a: 'p', b: 'pq' }]);
  });

  it("rejects with the driver's error, and the connection goes back to the pool", async () => {
    const broken: Statement = { name: 'test_broken', sql: () => 'select 1 from no_such_table' };
    await expect(run(broken, [])).rejects.toThrow(/no_such_table/);
    // The pool's connection was released: the ORM can still query (SQLite has only one).
    expect(await server.running.runtime.orm.em.fork().count(RateLimitBucket)).toBeGreaterThanOrEqual(0);
  });
});

describe("the throttle's writes", () => {
  it('count, forget and reset attempts without a statement through MikroORM', async () => {
    const em = server.running.runtime.orm.em.fork();
    queries.length = 0;
    const wrong = await http(server, 'POST', '/auth/login', { json: { username: 'user', password: 'not the password' } });
    expect(wrong.status).toBe(401);
    const throttleQueries = queries.filter((sql) => sql.includes('rate_limit_buckets'));
    // The failure stays counted under the address and the account.
    expect(await em.count(RateLimitBucket)).toBe(2);

    queries.length = 0;
    const right = await http(server, 'POST', '/auth/login', { json: { username: 'user', password: 'password' } });
    expect(right.status).toBe(200);
    throttleQueries.push(...queries.filter((sql) => sql.includes('rate_limit_buckets')));
    // A right password forgets the account's log and takes its own attempt back out of the address's.
    const logs = await em.fork().find(RateLimitBucket, {});
    expect(logs).toHaveLength(1);
    expect(logs[0]!.attempts).toHaveLength(19);

    expect(throttleQueries).toEqual([]);
  });
});
