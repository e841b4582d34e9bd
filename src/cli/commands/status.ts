import { parseDatabaseUrl } from '../../db/databaseUrl';
import type { ServiceContext } from '../../services/serviceContext';
import { parseCommandArgs, positionals } from '../args';
import type { CliDatabase } from '../context';
import { EXIT, type CliCommand } from '../io';
import { report, usageOutput, wantsHelp } from '../run';

// Loaded once the arguments are known to be good, so usage errors answer without the ORM.
const load = async () => ({
  ...(await import('../context')),
  ...(await import('../../db/migrate')),
  ...(await import('../../services/users')),
  ...(await import('../../services/legacyPasswords')),
});

/** What `hangar status` reports about the accounts, read only once the schema is up to date. */
async function accountCounts(ctx: ServiceContext) {
  const { countUsers, countLegacyPasswordHashes } = await load();
  return { users: await countUsers(ctx), legacyPasswordHashes: await countLegacyPasswordHashes(ctx.em) };
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
    const { openDatabase, serviceContext, migrationStatus } = await load();
    return withDatabase(openDatabase(io), async (db) => {
      const { executed, pending } = await migrationStatus(db.orm);
      const upToDate = pending.length === 0;
      const accounts = upToDate ? await accountCounts(await serviceContext(io, db)) : null;
      const lines = [
        `Database: ${db.description}`,
        ...executed.map((row) => `applied  ${row.name}  ${row.executedAt?.toISOString() ?? ''}`),
        ...pending.map((name) => `pending  ${name}`),
        upToDate ? 'Migrations: up to date.' : `Migrations: ${pending.length} pending: run npx hangar migrate`,
        ...(accounts
          ? [`Users: ${accounts.users}`, `Accounts still on a legacy password hash (upgraded at their next login): ${accounts.legacyPasswordHashes}`]
          : []),
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
    const { openDatabase, runMigrations } = await load();
    // An operator's migration may run long: no statement timeout, as in npm run db:migrate.
    return withDatabase(openDatabase(io, { databaseStatementTimeoutMs: 0 }), async (db) => {
      const applied = await runMigrations(db.orm, parseDatabaseUrl(db.config.databaseUrl));
      return {
        text: applied.length === 0 ? 'No pending migrations.' : applied.map((name) => `applied ${name}`).join('\n'),
        json: { applied },
      };
    });
  });
