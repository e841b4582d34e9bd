import { createHotReads, type HotReads } from '../db/hotReads';
import { poolStatements } from '../db/statements';
import { systemClock, type Clock } from '../clock';
import { loadConfig, type Config } from '../config';
import { describeDatabase, parseDatabaseUrl } from '../db/databaseUrl';
import { migrationStatus, runMigrations } from '../db/migrate';
import { initORM, type Orm } from '../db/orm';
import { jsonLineAuditLog } from '../services/authEvents';
import type { ServiceContext } from '../services/serviceContext';
import { loadTokenKeys } from '../services/tokenKeys';
import { CliError, EXIT, type CliIo } from './io';

/**
 * What a command does to the database, which decides how it is opened:
 * - `schema`: looks at migrations only (`status`, `migrate`); nothing is checked or applied;
 * - `read`: refuses a database with pending migrations;
 * - `write`: applies pending migrations first, as starting the server does (DATABASE_MIGRATE,
 *   on by default, saying so on stderr), and refuses them when DATABASE_MIGRATE=0.
 */
export type Access = 'schema' | 'read' | 'write';

export interface CliDatabase {
  orm: Orm;
  config: Config;
  /** The database as an operator reads it, password masked. */
  description: string;
  /** The token path's user lookup, opened on first use. */
  hotReads(): HotReads;
  close(): Promise<void>;
}

export interface CliServices extends CliDatabase {
  ctx: ServiceContext;
}

export function cliClock(config: Config): Clock {
  const fixed = config.cliNowMs;
  return fixed === null ? systemClock : () => fixed;
}

export async function openDatabase(io: CliIo, overrides: Partial<Config> = {}): Promise<CliDatabase> {
  const config = { ...loadConfig(io.env), ...overrides };
  const description = describeDatabase(parseDatabaseUrl(config.databaseUrl));
  const orm = await initORM(config, { migrate: false, checkMigrations: false });
  let hotReads: HotReads | undefined;
  return {
    orm,
    config,
    description,
    hotReads: () => (hotReads ??= createHotReads(orm, config.databaseUrl)),
    close: async () => {
      await hotReads?.close();
      await orm.close();
    },
  };
}

async function prepareSchema(io: CliIo, db: CliDatabase, access: 'read' | 'write'): Promise<void> {
  const { pending } = await migrationStatus(db.orm);
  if (pending.length === 0) return;
  if (access === 'write' && db.config.migrateOnStart) {
    const applied = await runMigrations(db.orm, parseDatabaseUrl(db.config.databaseUrl));
    if (applied.length > 0) io.stderr.write(`hangar: applied ${applied.length} pending migration(s) to ${db.description} (DATABASE_MIGRATE=1)\n`);
    return;
  }
  const why = access === 'write' ? 'and DATABASE_MIGRATE=0' : 'and this command does not migrate';
  throw new CliError(
    EXIT.migrationsPending,
    'migrations_pending',
    `database ${db.description} has ${pending.length} pending migration(s) ${why}: run npx hangar migrate first`,
    { pending },
  );
}

/**
 * The ServiceContext the services expect, on an open database: a forked EntityManager, the CLI
 * clock, auth events as JSON lines on stderr, and 'cli' as the client address.
 */
export async function serviceContext(io: CliIo, db: CliDatabase): Promise<ServiceContext> {
  const clock = cliClock(db.config);
  const em = db.orm.em.fork();
  return {
    em,
    config: db.config,
    clock,
    tokenKeys: await loadTokenKeys(em, db.config, clock),
    hotReads: db.hotReads(),
    statements: poolStatements(db.orm, db.config.databaseUrl),
    audit: jsonLineAuditLog(clock, (line) => io.stderr.write(`${line}\n`)),
    clientIp: 'cli',
  };
}

/**
 * Opens the database for a command, migrated or refused as `access` says, with its ServiceContext.
 */
export async function openServices(io: CliIo, access: 'read' | 'write'): Promise<CliServices> {
  const db = await openDatabase(io);
  try {
    await prepareSchema(io, db, access);
    const ctx = await serviceContext(io, db);
    return { ...db, ctx };
  } catch (error) {
    await db.close();
    throw error;
  }
}
