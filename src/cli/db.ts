// Operators' database commands: `npm run db:migrate`, `npm run db:status`, and for developers
// `npm run db:migration -- <name>`, which writes the next migration for both engines.

import { ConfigError, loadConfig } from '../config';
import { parseDatabaseUrl } from '../db/databaseUrl';
import { migrationStatus, runMigrations } from '../db/migrate';
import { DatabaseStartupError, initORM } from '../db/orm';
import { writeMigrations } from '../db/writeMigrations';

const USAGE = `Usage:
  npm run db:migrate            apply pending migrations to DATABASE_URL
  npm run db:status             list applied and pending migrations (exit 3 when some are pending)
  npm run db:migration -- NAME [--postgres ADMIN_URL]
                                write the next migration for both engines, from the entities
                                (scratch databases: SQLite in memory, PostgreSQL at ADMIN_URL,
                                default postgres://postgres@127.0.0.1:5432/postgres)`;

async function main(command: string | undefined, args: string[]): Promise<number> {
  if (command === 'migration') {
    const at = args.indexOf('--postgres');
    return writeMigrations(
      args.find((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--postgres'),
      at >= 0 ? args[at + 1] : undefined,
    );
  }
  if (command !== 'migrate' && command !== 'status') {
    console.error(USAGE);
    return 2;
  }
  // An operator's migration may run long: no statement timeout here.
  const config = { ...loadConfig(), databaseStatementTimeoutMs: 0 };
  const target = parseDatabaseUrl(config.databaseUrl);
  const orm = await initORM(config, { migrate: false, checkMigrations: false });
  try {
    if (command === 'migrate') {
      const applied = await runMigrations(orm, target);
      console.log(applied.length === 0 ? 'No pending migrations.' : applied.map((name) => `applied ${name}`).join('\n'));
      return 0;
    }
    const { executed, pending } = await migrationStatus(orm);
    for (const row of executed) console.log(`applied  ${row.name}  ${row.executedAt?.toISOString() ?? ''}`);
    for (const name of pending) console.log(`pending  ${name}`);
    console.log(pending.length === 0 ? 'Up to date.' : `${pending.length} pending: run npm run db:migrate`);
    return pending.length === 0 ? 0 : 3;
  } finally {
    await orm.close();
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (error) => {
    const known = error instanceof ConfigError || error instanceof DatabaseStartupError;
    console.error(known ? error.message : error);
    process.exit(1);
  },
);
