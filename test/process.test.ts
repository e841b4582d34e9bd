import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { killStarted, startMain } from './support/serverProcess';
import { tempDatabase } from './support/testServer';

afterAll(killStarted);

describe('the server process', () => {
  it('opens the database (creating a SQLite file), serves, and shuts down cleanly on SIGTERM', async () => {
    const db = await tempDatabase();
    try {
      const { child, listening } = startMain({ PORT: '0', DATABASE_URL: db.url });
      const url = await listening;
      if (db.file) expect(existsSync(db.file)).toBe(true);
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ ship(id: 1) { ... on Ship { model } } }' }),
      });
      expect(await response.json()).toEqual({ data: { ship: { model: 'T-65 X-Wing' } } });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      await db.cleanup();
    }
  });

  it('refuses to start with an invalid configuration and says why', async () => {
    const { child, output } = startMain({ JWT_SECRET: 'too-short' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('JWT_SECRET must be at least 32 bytes');
    expect(output()).not.toMatch(/\n\s+at /);
  });

  it('refuses worker processes on an in-memory database, which each would have to itself', async () => {
    const { child, output } = startMain({ WEB_CONCURRENCY: '2', DATABASE_URL: 'sqlite::memory:' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('WEB_CONCURRENCY above 1 needs a database the workers share');
    expect(output()).not.toContain('Worker');
  });
});
