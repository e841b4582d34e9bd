import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MikroORM, type Options } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/knex';
import type { Config } from '../config';
import { entities } from '../entities';
import { describeDatabase, parseDatabaseUrl, type DatabaseTarget } from './databaseUrl';
import { migrationStatus, runMigrations, upToDate } from './migrate';
import { isDatabaseUnavailable } from './unavailable';

export type Orm = MikroORM<AbstractSqlDriver, SqlEntityManager>;

export interface OrmOptions {
  /** Called with every SQL statement; tests use it to count queries. */
  onQuery?: (sql: string) => void;
  /** Apply pending migrations (under a lock) before returning; defaults to config.migrateOnStart. */
  migrate?: boolean;
  /** Without migrating, refuse a database with pending migrations (default true). */
  checkMigrations?: boolean;
}

/** The database could not be opened or prepared; the message is one line fit for an operator. */
export class DatabaseStartupError extends Error {
  override name = 'DatabaseStartupError';
}

// WAL lets readers run beside the writer; the busy timeout makes a second process wait for the
// write lock instead of failing with SQLITE_BUSY. Set on every pooled connection, the timeout
// first: switching a new database to WAL needs a lock that another starting instance may hold.
const SQLITE_PRAGMAS = 'PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;';

interface SqliteConnection {
  exec(sql: string, done: (err: Error | null) => void): void;
}

/**
 * Two processes opening a new file at once both try the switch to WAL, and SQLite answers one of
 * them SQLITE_BUSY at once, without waiting (it would deadlock otherwise): that one tries again.
 */
async function applyPragmas(connection: SqliteConnection): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await new Promise<void>((resolve, reject) => connection.exec(SQLITE_PRAGMAS, (err) => (err ? reject(err) : resolve())));
      return;
    } catch (error) {
      if (attempt >= 50 || (error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      await sleep(20 + Math.random() * 80);
    }
  }
}

/** Each engine's driver is loaded only when used: PostgreSQL's (with pg) takes 40 ms to load. */
async function engineOptions(config: Config, target: DatabaseTarget): Promise<Options> {
  if (target.kind === 'sqlite') {
    const { SqliteDriver } = await import('@mikro-orm/sqlite');
    return {
      driver: SqliteDriver,
      dbName: target.file,
      pool: {
        min: 1,
        max: 1,
        afterCreate(connection: SqliteConnection, done: (err: Error | null, c: unknown) => void) {
          applyPragmas(connection).then(
            () => done(null, connection),
            (err: Error) => done(err, connection),
          );
        },
      },
    };
  }
  const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
  const url = new URL(target.url);
  // 0 turns the bounds off (a long migration run by an operator).
  const timeout = config.databaseStatementTimeoutMs;
  return {
    driver: PostgreSqlDriver,
    host: decodeURIComponent(url.hostname),
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    dbName: decodeURIComponent(url.pathname.slice(1)),
    // The operator creates the database; Hangar never creates or drops one.
    ensureDatabase: false,
    pool: { min: 0, max: config.databasePoolMax, idleTimeoutMillis: 30_000, validate: answeredEverything } as Options['pool'],
    driverOptions: {
      // Waiting for a pooled connection, connecting, and each statement are bounded, so a request
      // during an outage fails (503) instead of hanging.
      acquireConnectionTimeout: timeout || 60_000,
      // knex prints connection errors with console.log, among the JSON lines on stdout.
      log: { warn: logToStderr, error: logToStderr, deprecate: logToStderr, debug: () => undefined },
      connection: {
        ssl: target.ssl,
        application_name: 'hangar',
        connectionTimeoutMillis: timeout,
        statement_timeout: timeout,
        // Client side too, for a server that stopped answering without closing the connection.
        ...(timeout ? { query_timeout: timeout + 1000 } : {}),
      },
    },
  };
}

/**
 * Creates the SQLite file (and its folder) up front: the driver, left to find out for itself that
 * a path is not writable, retries opening it until its pool times out.
 */
function prepareSqliteFile(file: string): void {
  if (file === ':memory:') return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a'));
  } catch (error) {
    throw new DatabaseStartupError(`Cannot open the SQLite database ${file}: ${(error as Error).message}`);
  }
}

/**
 * A pooled connection whose query ran out of `query_timeout` is still waiting for that answer
 * (a partition, a stalled server), and everything sent on it later would time out too: the pool
 * drops it instead of handing it out. MikroORM's pool type has no `validate`; knex passes it on.
 */
const logToStderr = (message: unknown) => console.error(`database: ${String(message)}`);

function answeredEverything(connection: { readyForQuery?: boolean }): boolean {
  return connection.readyForQuery === true;
}

export async function initORM(config: Config, options: OrmOptions = {}): Promise<Orm> {
  const target = parseDatabaseUrl(config.databaseUrl);
  if (target.kind === 'sqlite') prepareSqliteFile(target.file);
  const orm = (await MikroORM.init({
    ...(await engineOptions(config, target)),
    entities,
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    // The migrator registers itself when first needed (src/db/migrate.ts).
    migrations: { snapshot: false, transactional: true, allOrNothing: true, silent: true },
    debug: options.onQuery ? ['query'] : false,
    logger: options.onQuery ? (message) => options.onQuery!(message) : undefined,
  })) as Orm;
  try {
    await waitForDatabase(orm, target, config.databaseStartupSeconds);
    if (options.migrate ?? config.migrateOnStart) await runMigrations(orm, target);
    else if (options.checkMigrations ?? true) await refuseUnmigrated(orm, target);
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

/**
 * At start the database may still be coming up (a container starting beside Hangar): retry for
 * up to `seconds`, then give up with one line that names the database and the last error.
 */
async function waitForDatabase(orm: Orm, target: DatabaseTarget, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      await orm.em.getConnection().execute('select 1');
      return;
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      if (!isDatabaseUnavailable(error)) {
        throw new DatabaseStartupError(`Cannot open the database ${describeDatabase(target)}: ${reason}`);
      }
      if (Date.now() >= deadline) {
        throw new DatabaseStartupError(`Database ${describeDatabase(target)} unreachable for ${seconds} s, giving up: ${reason}`);
      }
      await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
    }
  }
}

/** With migrations off at start, a database that is behind the code is refused rather than served. */
async function refuseUnmigrated(orm: Orm, target: DatabaseTarget): Promise<void> {
  if (await upToDate(orm)) return;
  const { pending } = await migrationStatus(orm);
  if (pending.length > 0) {
    throw new DatabaseStartupError(
      `Database ${describeDatabase(target)} has ${pending.length} pending migration(s) (${pending.join(', ')}) and DATABASE_MIGRATE=0: run npm run db:migrate first`,
    );
  }
}
