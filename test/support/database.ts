import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Which engine the suite runs on. `npm test` uses SQLite files; with TEST_DATABASE_URL (an
 * admin connection to a PostgreSQL server, as `npm run test:pg` sets it) every test database is
 * a fresh PostgreSQL database on that server, created here and dropped afterwards.
 */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL || null;
export const ENGINE: 'sqlite' | 'postgresql' = TEST_POSTGRES_URL ? 'postgresql' : 'sqlite';

export interface TestDatabase {
  url: string;
  /** The SQLite file, or null on PostgreSQL. */
  file: string | null;
  cleanup(): Promise<void>;
}

export function tempSqliteDatabase(): TestDatabase & { file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-test-'));
  const file = join(dir, 'hangar.sqlite');
  return { url: `sqlite:${file}`, file, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs statements on the admin connection (TEST_DATABASE_URL). */
export async function adminQuery(sql: string, adminUrl: string = TEST_POSTGRES_URL!): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database on the server behind `adminUrl`. */
export async function tempPostgresDatabase(adminUrl: string = TEST_POSTGRES_URL!): Promise<TestDatabase> {
  const name = `hangar_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`, adminUrl);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    file: null,
    cleanup: () => adminQuery(`drop database if exists ${name} with (force)`, adminUrl).then(() => undefined),
  };
}

/** An empty database on the suite's engine. */
export async function tempDatabase(): Promise<TestDatabase> {
  return TEST_POSTGRES_URL ? tempPostgresDatabase() : tempSqliteDatabase();
}
