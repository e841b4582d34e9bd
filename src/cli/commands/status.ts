import { migrationStatus, runMigrations } from '../../db/migrate';
import { parseDatabaseUrl } from '../../db/databaseUrl';
import { openDatabase, serviceContext, type CliDatabase } from '../context';
import { parseCommandArgs, positionals } from '../args';
import { EXIT, type CliCommand } from '../io';
import { report, usageOutput, wantsHelp } from '../run';
import type { ServiceContext } from '../../services/serviceContext';
import { countUsers } from '../../services/users';

/**
 * What `hangar status` reports about the accounts, read only once the schema is up to date. The
 * count of accounts still on legacy password hashes joins `users` here.
 */
async function accountCounts(ctx: ServiceContext) {
  return { users: await countUsers(ctx) };
}

async function withDatabase<T>(open: Promise<CliDatabase>, work: (db: CliDatabase) => Promise<T>): Promise<T> {
  const db = await open;
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

export const runStatus: CliCommand = (args, io) =>
  report(io, args, async () => {
    if (wantsHelp(args)) return usageOutput('status');
    positionals(parseCommandArgs(args, {}, 'status').positionals, [], 'status');
    return withDatabase(openDatabase(io), async (db) => {
      const { executed, pending } = await migrationStatus(db.orm);
      const upToDate = pending.length === 0;
      const accounts = upToDate ? await accountCounts(await serviceContext(io, db)) : null;
      const lines = [
        `Database: ${db.description}`,
        ...executed.map((row) => `applied  ${row.name}  ${row.executedAt?.toISOString() ?? ''}`),
        ...pending.map((name) => `pending  ${name}`),
        upToDate ? 'Migrations: up to date.' : `Migrations: ${pending.length} pending: run npx hangar migrate`,
        ...(accounts ? [`Users: ${accounts.users}`] : []),
      ];
      return {
        text: lines.join('\n'),
        json: {
          database: db.description,
          upToDate,
          migrations: { applied: executed.map((row) => ({ name: row.name, executedAt: row.executedAt?.toISOString() ?? null })), pending },
          accounts,
        },
        exitCode: upToDate ? EXIT.ok : EXIT.migrationsPending,
      };
    });
  });

export const runMigrate: CliCommand = (args, io) =>
  report(io, args, async () => {
    if (wantsHelp(args)) return usageOutput('migrate');
    positionals(parseCommandArgs(args, {}, 'migrate').positionals, [], 'migrate');
    // An operator's migration may run long: no statement timeout, as in npm run db:migrate.
    return withDatabase(openDatabase(io, { databaseStatementTimeoutMs: 0 }), async (db) => {
      const applied = await runMigrations(db.orm, parseDatabaseUrl(db.config.databaseUrl));
      return {
        text: applied.length === 0 ? 'No pending migrations.' : applied.map((name) => `applied ${name}`).join('\n'),
        json: { applied },
      };
    });
  });
