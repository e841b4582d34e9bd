import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { DatabaseStartupError, initORM } from '../src/db/orm';
import { PRIVATE_POSTGRES_AVAILABLE, PRIVATE_POSTGRES_MISSING, startPrivatePostgres } from './support/privatePostgres';
import { basic, startTestServer } from './support/testServer';
import { http } from './support/http';

// DATABASE_URL's sslmode against a PostgreSQL of the test's own that serves TLS with a
// self-signed certificate.
if (!PRIVATE_POSTGRES_AVAILABLE) console.warn(PRIVATE_POSTGRES_MISSING);

describe.runIf(PRIVATE_POSTGRES_AVAILABLE)('sslmode', () => {
  let cluster: Awaited<ReturnType<typeof startPrivatePostgres>>;
  let url: string;
  beforeAll(async () => {
    cluster = await startPrivatePostgres({ tls: true });
    url = await cluster.createDatabase('hangar');
  }, 90_000);
  afterAll(() => cluster?.destroy());

  async function encrypted(query: string): Promise<boolean> {
    const orm = await initORM(loadConfig({ DATABASE_URL: `${url}?${query}`, SEED_DEMO: '0', DATABASE_STARTUP_TIMEOUT: '0' }));
    try {
      const [row] = await orm.em.getConnection().execute<{ ssl: boolean }[]>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
      return row!.ssl;
    } finally {
      await orm.close();
    }
  }

  it('disable connects in plain text; require, and verify-full with the right sslrootcert, encrypt', async () => {
    expect(await encrypted('sslmode=disable')).toBe(false);
    expect(await encrypted('sslmode=require')).toBe(true);
    expect(await encrypted(`sslmode=verify-full&sslrootcert=${cluster.certificateFile}`)).toBe(true);
  });

  it('verify-full refuses a certificate no trusted CA signed, at once and in one line', async () => {
    const error = await initORM(loadConfig({ DATABASE_URL: `${url}?sslmode=verify-full`, DATABASE_STARTUP_TIMEOUT: '30' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseStartupError);
    expect((error as Error).message).toMatch(/^Cannot open the database postgres:\/\/postgres@127\.0\.0\.1:\d+\/hangar\?sslmode=verify-full: .*certificate/);
  });

  it('serves every request over the encrypted connection', async () => {
    const server = await startTestServer({ databaseUrl: `${url}?sslmode=require` });
    try {
      const response = await http(server, 'GET', '/api/resource', { headers: { authorization: basic('user', 'password') } });
      expect(response.json).toEqual({ data: 'Hello, user!' });
    } finally {
      await server.close();
    }
  });
});
