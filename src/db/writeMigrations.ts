import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../config';
import type { DatabaseTarget } from './databaseUrl';
import { schemaDrift } from './migrate';
import { initORM } from './orm';

// Developers' tool behind `npm run db:migration -- <name>`: applies the committed migrations to
// a scratch database of each engine, and writes what the entities still need as the next pair.

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function driftOn(databaseUrl: string): Promise<string[]> {
  const orm = await initORM(loadConfig({ DATABASE_URL: databaseUrl, SEED_DEMO: '0' }), { migrate: true });
  try {
    return await schemaDrift(orm);
  } finally {
    await orm.close();
  }
}

async function postgresDrift(adminUrl: string): Promise<string[]> {
  const name = `hangar_migration_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await driftOn(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function migrationSource(className: string, statements: string[]): string {
  const body = statements.length === 0 ? ' {}' : ` {\n${statements.map((sql) => `    this.addSql(${JSON.stringify(sql)});`).join('\n')}\n  }`;
  return `import { Migration } from '@mikro-orm/migrations';\n\nexport class ${className} extends Migration {\n  override up(): void${body}\n}\n`;
}

export async function writeMigrations(name: string | undefined, adminUrl = ADMIN_URL): Promise<number> {
  if (!name || !/^[a-z][a-z0-9_]*$/i.test(name)) {
    console.error('Give the migration a name of letters, digits and underscores: npm run db:migration -- add_user_locale');
    return 2;
  }
  const drift: Record<DatabaseTarget['kind'], string[]> = { sqlite: await driftOn('sqlite::memory:'), postgresql: await postgresDrift(adminUrl) };
  if (drift.sqlite.length === 0 && drift.postgresql.length === 0) {
    console.log('The migrations already match the entities on both engines; nothing written.');
    return 0;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const className = `Migration${stamp}_${name}`;
  for (const kind of ['sqlite', 'postgresql'] as const) {
    const file = join('src', 'db', 'migrations', kind, `${className}.ts`);
    writeFileSync(file, migrationSource(className, drift[kind]));
    console.log(`wrote ${file} (${drift[kind].length} statements)`);
  }
  console.log(`Review both, then add ${className} to MIGRATION_NAMES in src/db/migrations/names.ts and to both lists in src/db/migrations/index.ts.`);
  return 0;
}
