import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { migrationStatus, schemaDrift } from '../src/db/migrate';
import { migrationsFor } from '../src/db/migrations';
import { initORM } from '../src/db/orm';
import { http } from './support/http';
import { ENGINE, tempSqliteDatabase } from './support/database';
import { basic, startTestServer, TestClock, tempDatabase, type TestDatabase } from './support/testServer';

const databases: TestDatabase[] = [];
async function newDatabase(): Promise<TestDatabase> {
  const db = await tempDatabase();
  databases.push(db);
  return db;
}
afterAll(async () => {
  for (const db of databases) await db.cleanup();
});

const configFor = (url: string, env: Record<string, string> = {}) => loadConfig({ DATABASE_URL: url, SEED_DEMO: '0', ...env });
const ALL = migrationsFor(ENGINE).map((m) => m.name);

describe(`migrations (${ENGINE})`, () => {
  it('bring an empty database exactly to the entities', async () => {
    const db = await newDatabase();
    const orm = await initORM(configFor(db.url));
    try {
      // Fails when an entity changed without a migration (npm run db:migration -- <name> writes it).
      expect(await schemaDrift(orm)).toEqual([]);
      const status = await migrationStatus(orm);
      expect(status.executed.map((m) => m.name)).toEqual(ALL);
      expect(status.pending).toEqual([]);
    } finally {
      await orm.close();
    }
  });

  it('run once when several instances start together on an empty database', async () => {
    const db = await newDatabase();
    const orms = await Promise.all([1, 2, 3].map(() => initORM(configFor(db.url))));
    try {
      const rows = await orms[0]!.em.getConnection().execute<{ name: string }[]>('select name from mikro_orm_migrations order by id');
      expect(rows.map((row) => row.name)).toEqual(ALL);
    } finally {
      await Promise.all(orms.map((orm) => orm.close()));
    }
  });

  it('with DATABASE_MIGRATE=0, a database behind the code is refused with a clear message', async () => {
    const db = await newDatabase();
    await expect(initORM(configFor(db.url, { DATABASE_MIGRATE: '0' }))).rejects.toThrow(
      new RegExp(`has ${ALL.length} pending migration\\(s\\) \\(Migration20261201000000_initial, .*\\) and DATABASE_MIGRATE=0: run npm run db:migrate first`),
    );
  });

  it('npm run db:status and db:migrate report and apply them', async () => {
    const db = await newDatabase();
    const cli = (command: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/db.ts', command], { env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8' });
    const before = cli('status');
    expect(before.status).toBe(3);
    expect(before.stdout).toContain(`pending  ${ALL[0]}`);
    expect(before.stdout).toContain(`${ALL.length} pending: run npm run db:migrate`);

    const migrate = cli('migrate');
    expect(migrate.status).toBe(0);
    expect(migrate.stdout.trim().split('\n')).toEqual(ALL.map((name) => `applied ${name}`));
    expect(cli('migrate').stdout.trim()).toBe('No pending migrations.');

    const after = cli('status');
    expect(after.status).toBe(0);
    expect(after.stdout).toMatch(new RegExp(`applied  ${ALL.at(-1)}  \\d{4}-`));
    expect(after.stdout.trim().split('\n').at(-1)).toBe('Up to date.');
  });
});

describe('a SQLite file written before migrations existed (schema auto-update)', () => {
  const fixture = JSON.parse(readFileSync('test/fixtures/pre-migrations.json', 'utf8')) as {
    createdAtMs: number;
    refreshToken: string;
    sessionCookie: string;
  };

  it('upgrades in place with nothing lost', async () => {
    const db = tempSqliteDatabase();
    databases.push(db);
    copyFileSync('test/fixtures/pre-migrations.sqlite', db.file);
    const clock = new TestClock(fixture.createdAtMs + 60_000);
    const server = await startTestServer({ databaseUrl: db.url, clock });
    try {
      const users = (await http(server, 'GET', '/api/users')).json as { name: string }[];
      expect(users.map((u) => u.name)).toEqual(['user', 'guest', 'bob@hbtn.io', 'legacy-pilot']);
      expect((await http(server, 'GET', '/api/resource', { headers: { authorization: basic('legacy-pilot', 'legacy-pass') } })).status).toBe(200);

      const ships = (await http(server, 'GET', '/api/ships')).json as { id: number; model: string; roles: string[] }[];
      expect(ships.at(-1)).toMatchObject({ id: 16, model: 'Legacy X-Wing', roles: ['Escort', 'Scout'] });

      // The session opened before the upgrade is still open; the refresh token revoked before it is still revoked.
      const me = await http(server, 'GET', '/api/v1/users/me', { headers: { cookie: fixture.sessionCookie } });
      expect(me.status).toBe(200);
      expect((me.json as { email: string }).email).toBe('bob@hbtn.io');
      const refresh = await http(server, 'POST', '/auth/refresh', { headers: { authorization: `Bearer ${fixture.refreshToken}` } });
      expect(refresh.json).toEqual({ error: 'Token has been revoked' });

      // New rows take the next ids.
      const created = await http(server, 'POST', '/api/users', { json: { username: 'after-upgrade', password: 'password' } });
      expect((created.json as { id: number }).id).toBe(5);
    } finally {
      await server.close();
    }

    const orm = await initORM(configFor(db.url));
    try {
      expect(await schemaDrift(orm)).toEqual([]);
      expect((await migrationStatus(orm)).executed.map((m) => m.name)).toEqual(migrationsFor('sqlite').map((m) => m.name));
      // Hashes written before are re-encoded in the reference order (m, t, p).
      const hashes = await orm.em.getConnection().execute<{ password_hash: string }[]>('select password_hash from users');
      expect(hashes.map((row) => row.password_hash.split('$')[3])).toEqual(hashes.map(() => 'm=19456,t=2,p=1'));
    } finally {
      await orm.close();
    }
  });
});
