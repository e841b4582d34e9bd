import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { User } from '../src/entities';
import { initORM } from '../src/db/orm';
import { http } from './support/http';
import { REFERENCE_MISSING, referencePython, referenceVerify } from './support/referenceArgon2';
import { basic, startTestServer, tempDatabase, type TestDatabase, type TestServer } from './support/testServer';

// Issue 11, item 13: stored argon2 hashes are in the reference (PHC, libargon2) encoding, m, t, p,
// so a user table exported from Hangar verifies in any other stack. Checked with argon2-cffi.
if (!referencePython) console.warn(`\n*** argon2-encoding.test.ts SKIPPED: ${REFERENCE_MISSING} ***\n`);

const CANONICAL = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.cleanup();
});

async function storedHash(server: TestServer, username: string): Promise<string> {
  const user = await server.running.runtime.orm.em.fork().findOneOrFail(User, { username }, { populate: ['passwordHash'] });
  return user.passwordHash;
}

describe.skipIf(!referencePython)('argon2 hashes as stored', () => {
  it('a user registered over HTTP, and the demo users, verify with the reference implementation', async () => {
    const server = await startTestServer();
    try {
      expect((await http(server, 'POST', '/api/users', { json: { name: 'exported', password: 'export-me' } })).status).toBe(201);
      const cases: [string, string][] = [
        [await storedHash(server, 'exported'), 'export-me'],
        [await storedHash(server, 'user'), 'password'],
        [await storedHash(server, 'bob@hbtn.io'), 'H0lbertonSchool98!'],
      ];
      for (const [hash] of cases) expect(hash).toMatch(CANONICAL);
      expect(referenceVerify(cases)).toEqual([true, true, true]);
      expect(referenceVerify([[cases[0]![0], 'wrong']])).toEqual([false]);
    } finally {
      await server.close();
    }
  });

  it("the package's own order (m, p, t) is what the reference refuses, and a migration re-encodes stored hashes losslessly", async () => {
    const db = await tempDatabase();
    databases.push(db);
    const first = await startTestServer({ databaseUrl: db.url });
    expect((await http(first, 'POST', '/api/users', { json: { name: 'legacy', password: 'legacy-pass' } })).status).toBe(201);
    const canonical = await storedHash(first, 'legacy');
    await first.close();

    // The database as an earlier Hangar left it: the argon2 package's order, and the migration not yet run.
    const legacy = canonical.replace(/m=(\d+),t=(\d+),p=(\d+)/, 'm=$1,p=$3,t=$2');
    expect(referenceVerify([[legacy, 'legacy-pass']])).toEqual(['VerificationError: Decoding failed']);
    const orm = await initORM(loadConfig({ DATABASE_URL: db.url, SEED_DEMO: '0' }), { migrate: false, checkMigrations: false });
    try {
      const connection = orm.em.getConnection();
      await connection.execute('update users set password_hash = ? where username = ?', [legacy, 'legacy']);
      await connection.execute("delete from mikro_orm_migrations where name = 'Migration20261201220800_canonical_argon2_hashes'");
    } finally {
      await orm.close();
    }

    const second = await startTestServer({ databaseUrl: db.url });
    try {
      expect(await storedHash(second, 'legacy')).toBe(canonical);
      expect(referenceVerify([[await storedHash(second, 'user'), 'password']])).toEqual([true]);
      expect((await http(second, 'GET', '/api/resource', { headers: { authorization: basic('legacy', 'legacy-pass') } })).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});
