import { afterAll, describe, expect, it } from 'vitest';
import { CreateShipDocument, LoginDocument, RegisterDocument } from './operations/generated';
import { ENGINE, tempPostgresDatabase, tempSqliteDatabase, type TestDatabase } from './support/database';
import { gql, killStarted, POSTGRES_ADMIN_URL, startMain, type ServerProcess } from './support/serverProcess';

// kill -9 of a server process in the middle of concurrent writes: every write it acknowledged
// is in the database, as a fresh process on the same database shows.

interface Ack {
  kind: 'ship' | 'user';
  id: number;
  name: string;
}

const SHIP_LANES = 4;
const USER_LANES = 2;
const MAX_WRITES_PER_LANE = 500;

/**
 * Writes ships and users on concurrent lanes and SIGKILLs the server once enough have been
 * acknowledged; every lane runs until its requests fail.
 */
async function writeUntilKilled(server: ServerProcess, url: string, token: string) {
  const acked: Ack[] = [];
  const unexpected: unknown[] = [];
  let failedRequests = 0;
  let killed = false;
  const lane = async (laneNo: number) => {
    for (let i = 0; i < MAX_WRITES_PER_LANE; i += 1) {
      const name = `load-${laneNo}-${i}`;
      try {
        if (laneNo < SHIP_LANES) {
          const input = { affiliation: 'Load', category: 'Test', crew: 1, length: 1, manufacturer: 'Load', model: name, shipClass: 'Test', roles: ['Load'] };
          const result = (await gql(url, CreateShipDocument, { input }, { authorization: `Bearer ${token}` })).data?.createShip;
          if (result?.__typename === 'Ship') acked.push({ kind: 'ship', id: result.id, name });
          else unexpected.push(result);
        } else {
          const result = (await gql(url, RegisterDocument, { input: { username: name, password: 'password' } })).data?.register;
          if (result?.__typename === 'User') acked.push({ kind: 'user', id: result.id, name });
          else unexpected.push(result);
        }
      } catch {
        // The connection broke or was refused: the server is gone.
        failedRequests += 1;
        return;
      }
      const ships = acked.filter((ack) => ack.kind === 'ship').length;
      if (!killed && ships >= 50 && acked.length - ships >= 5) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: SHIP_LANES + USER_LANES }, (_, i) => lane(i)));
  return { acked, unexpected, failedRequests, killed };
}

async function start(engine: 'sqlite' | 'postgresql'): Promise<{ db: TestDatabase; server: ServerProcess; url: string }> {
  const db = engine === 'sqlite' ? tempSqliteDatabase() : await tempPostgresDatabase(POSTGRES_ADMIN_URL);
  const server = startMain({ PORT: '0', DATABASE_URL: db.url });
  return { db, server, url: await server.listening };
}

// On the suite's engine: npm test covers SQLite, npm run test:pg PostgreSQL.
const first = { [ENGINE]: start(ENGINE) } as Record<typeof ENGINE, ReturnType<typeof start>>;
for (const started of Object.values(first)) started.catch(() => undefined); // reported by the test that awaits it
const databases: TestDatabase[] = [];

afterAll(async () => {
  await killStarted();
  await Promise.all(databases.map((db) => db.cleanup()));
});

describe('kill -9 under write load', () => {
  for (const engine of [ENGINE]) {
    it(`loses no acknowledged write on ${engine}`, async () => {
      const { db, server, url } = await first[engine];
      databases.push(db);
      const login = (await gql(url, LoginDocument, { username: 'user', password: 'password' })).data?.login;
      if (login?.__typename !== 'TokenPair') throw new Error('login failed');

      const load = await writeUntilKilled(server, url, login.accessToken);
      expect(load.killed).toBe(true);
      expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
      // Requests were in flight when it died.
      expect(load.failedRequests).toBeGreaterThan(0);
      expect(load.unexpected).toEqual([]);

      const fresh = startMain({ PORT: '0', DATABASE_URL: db.url });
      const freshUrl = await fresh.listening;
      const found = await Promise.all(
        load.acked.map(async (ack) => {
          const response = await fetch(`${freshUrl}/api/${ack.kind}s/${ack.id}`);
          const body = (await response.json()) as { model?: string; username?: string };
          return { ...ack, status: response.status, stored: ack.kind === 'ship' ? body.model : body.username };
        }),
      );
      expect(found.filter((row) => row.status !== 200 || row.stored !== row.name)).toEqual([]);

      fresh.child.kill('SIGTERM');
      expect((await fresh.exited).code).toBe(0);
    });
  }
});
