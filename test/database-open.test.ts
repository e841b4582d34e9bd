import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { DatabaseStartupError, initORM } from '../src/db/orm';
import { tempPostgresDatabase, tempSqliteDatabase, TEST_POSTGRES_URL, type TestDatabase } from './support/database';

const cleanups: TestDatabase[] = [];
afterAll(async () => {
  for (const db of cleanups) await db.cleanup();
});

describe('opening the database', () => {
  it('a SQLite path that cannot be created fails at once with one line naming it', async () => {
    const db = tempSqliteDatabase();
    cleanups.push(db);
    writeFileSync(db.file, 'not a folder');
    const started = Date.now();
    const error = await initORM(loadConfig({ DATABASE_URL: `sqlite:${db.file}/hangar.sqlite` })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseStartupError);
    expect((error as Error).message.startsWith(`Cannot open the SQLite database ${db.file}/hangar.sqlite: `)).toBe(true);
    expect((error as Error).message).toMatch(/: (EEXIST|ENOTDIR)\b/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.runIf(TEST_POSTGRES_URL)('PostgreSQL connections carry the statement timeout and the pool bound', async () => {
    const db = await tempPostgresDatabase();
    cleanups.push(db);
    const orm = await initORM(loadConfig({ DATABASE_URL: db.url, DATABASE_STATEMENT_TIMEOUT: '1234', DATABASE_POOL_MAX: '3' }));
    try {
      const connection = orm.em.getConnection();
      const [row] = await connection.execute<{ statement_timeout: string }[]>('show statement_timeout');
      expect(row!.statement_timeout).toBe('1234ms');
      await expect(connection.execute('select pg_sleep(2)')).rejects.toThrow(/canceling statement due to statement timeout/);
      const [app] = await connection.execute<{ application_name: string }[]>('show application_name');
      expect(app!.application_name).toBe('hangar');
      expect(connection.getKnex().client.pool.max).toBe(3);
    } finally {
      await orm.close();
    }
  });
});
