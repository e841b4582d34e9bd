import { TableExistsException } from '@mikro-orm/core';
import { MikroORM, type Options } from '@mikro-orm/sqlite';
import type { Config } from '../config';
import { entities } from '../entities';
import { parseDatabaseUrl } from './databaseUrl';

export type Orm = MikroORM;

export interface OrmOptions {
  /** Called with every SQL statement; tests use it to count queries. */
  onQuery?: (sql: string) => void;
}

// WAL lets readers run beside the writer; the busy timeout makes a second process wait for the
// write lock instead of failing with SQLITE_BUSY. Set on every pooled connection, the timeout
// first: switching a new database to WAL needs a lock that another starting instance may hold.
const SQLITE_PRAGMAS = 'PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;';

export async function initORM(config: Config, options: OrmOptions = {}): Promise<Orm> {
  const target = parseDatabaseUrl(config.databaseUrl);
  if (target.kind !== 'sqlite') {
    throw new Error('PostgreSQL is not supported yet; use a sqlite: DATABASE_URL');
  }
  const ormOptions: Options = {
    dbName: target.file,
    entities,
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(connection: { exec(sql: string, done: (err: Error | null) => void): void }, done: (err: Error | null, c: unknown) => void) {
        connection.exec(SQLITE_PRAGMAS, (err) => done(err, connection));
      },
    },
    debug: options.onQuery ? ['query'] : false,
    logger: options.onQuery ? (message) => options.onQuery!(message) : undefined,
  };
  const orm = await MikroORM.init(ormOptions);
  try {
    await updateSchema(orm);
  } catch (error) {
    await orm.close();
    throw error;
  }
  return orm;
}

/**
 * Creates or updates the schema. Another instance starting on the same database may be doing the
 * same at this moment, and then a table or index it just created makes ours fail: the schema is
 * compared again and only what is still missing is created.
 */
async function updateSchema(orm: Orm): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await orm.schema.updateSchema({ safe: true });
      return;
    } catch (error) {
      if (attempt >= 5 || !(error instanceof TableExistsException || /already exists/i.test(String((error as Error).message)))) throw error;
    }
  }
}
