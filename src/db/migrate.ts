import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/knex';
import sqlite3 from 'sqlite3';
import type { DatabaseTarget } from './databaseUrl';
import { engineOf } from './engine';
import { MIGRATION_NAMES } from './migrations/names';

type AnyOrm = MikroORM<AbstractSqlDriver, SqlEntityManager>;

export interface MigrationStatus {
  executed: { name: string; executedAt: Date | null }[];
  pending: string[];
}

// Any fixed 64-bit number; every Hangar instance on a database takes the same one.
const PG_MIGRATION_LOCK = 7_246_127_301;
const LOCK_WAIT_MS = 120_000;

/**
 * Applies every pending migration, all in one transaction, holding a lock that every other
 * instance starting on the same database waits for, so two starts never apply one twice.
 * Returns the names applied.
 */
export async function runMigrations(orm: AnyOrm, target: DatabaseTarget): Promise<string[]> {
  // Migrations commit all together, so a database that has them all has nothing to wait for.
  if (await upToDate(orm)) return [];
  return withMigrationLock(orm, target, async () => {
    const applied = await (await migrator(orm)).up();
    return applied.map((migration) => migration.name);
  });
}

export async function migrationStatus(orm: AnyOrm): Promise<MigrationStatus> {
  const loaded = await migrator(orm);
  // One after the other: each first creates the migrations table if it is missing.
  const executed = await loaded.getExecutedMigrations();
  const pending = await loaded.getPendingMigrations();
  return {
    executed: executed.map((row) => ({ name: row.name, executedAt: row.executed_at ? new Date(row.executed_at) : null })),
    pending: pending.map((migration) => migration.name),
  };
}

/** Whether the database has recorded every migration; false also when it has no migrations table yet. */
export async function upToDate(orm: AnyOrm): Promise<boolean> {
  const table = orm.config.get('migrations').tableName ?? 'mikro_orm_migrations';
  let rows: { name: string }[];
  try {
    rows = await orm.em.getConnection().execute<{ name: string }[]>(`select name from ${orm.em.getPlatform().quoteIdentifier(table)}`);
  } catch {
    return false;
  }
  const executed = new Set(rows.map((row) => row.name));
  return MIGRATION_NAMES.every((name) => executed.has(name));
}

/**
 * MikroORM's migrator and the migration classes, loaded on first use: at start they are only
 * needed when something is pending (they take about 80 ms to load).
 */
async function migrator(orm: AnyOrm) {
  if (!orm.config.getExtension('@mikro-orm/migrator')) {
    const [{ Migrator }, { migrationsFor }] = await Promise.all([import('@mikro-orm/migrations'), import('./migrations')]);
    orm.config.set('migrations', { ...orm.config.get('migrations'), migrationsList: migrationsFor(engineOf(orm.em)) });
    Migrator.register(orm);
  }
  return orm.getMigrator();
}

async function withMigrationLock<T>(orm: AnyOrm, target: DatabaseTarget, work: () => Promise<T>): Promise<T> {
  if (target.kind === 'postgresql') return withAdvisoryLock(orm, work);
  if (target.file === ':memory:') return work();
  return withLockFile(`${target.file}-migrate.lock`, work);
}

/**
 * A session-level advisory lock on a connection of its own, outside the pool, so the migrator's
 * pooled connections stay free (even at DATABASE_POOL_MAX=1). PostgreSQL frees it if we die.
 */
async function withAdvisoryLock<T>(orm: AnyOrm, work: () => Promise<T>): Promise<T> {
  const client = orm.em.getConnection().getKnex().client as {
    acquireRawConnection(): Promise<{ query(query: { text: string; values?: unknown[]; query_timeout?: number }): Promise<unknown> }>;
    destroyRawConnection(connection: unknown): Promise<void>;
  };
  const connection = await client.acquireRawConnection();
  // The wait for another instance's migration may outlast DATABASE_STATEMENT_TIMEOUT.
  const query = (text: string) => connection.query({ text, values: [PG_MIGRATION_LOCK], query_timeout: LOCK_WAIT_MS + 5000 });
  try {
    await connection.query({ text: `set statement_timeout = 0; set lock_timeout = ${LOCK_WAIT_MS}` });
    await query('select pg_advisory_lock($1)');
    try {
      return await work();
    } finally {
      await query('select pg_advisory_unlock($1)');
    }
  } finally {
    await client.destroyRawConnection(connection);
  }
}

/**
 * SQLite has no advisory locks, and locking the database itself would block the migration too:
 * an exclusive transaction on a small lock file beside it serves instead. The operating system
 * releases it if the process dies.
 */
async function withLockFile<T>(file: string, work: () => Promise<T>): Promise<T> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(opened)));
  });
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
  try {
    db.configure('busyTimeout', LOCK_WAIT_MS);
    await exec('BEGIN EXCLUSIVE');
    try {
      return await work();
    } finally {
      await exec('COMMIT');
    }
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** The SQL that would bring the database to the entities; empty when the migrations cover them. */
export async function schemaDrift(orm: AnyOrm): Promise<string[]> {
  const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
  return sql
    .split(/;\n/)
    .map((statement) => statement.trim())
    .filter(Boolean)
    .map((statement) => (statement.endsWith(';') ? statement : `${statement};`));
}
