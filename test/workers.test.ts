import { once } from 'node:events';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, tempPostgresDatabase, tempSqliteDatabase, type TestDatabase } from './support/database';
import {
  authEvents,
  connectionRefused,
  killStarted,
  POSTGRES_ADMIN_URL,
  processExists,
  readyWorkerPids,
  requestOnNewConnection,
  startMain,
  type RawResponse,
  type ServerProcess,
} from './support/serverProcess';

// WEB_CONCURRENCY=2 as real processes: a cluster primary and its workers on one port.

afterAll(killStarted);

const ME = JSON.stringify({ query: '{ me { username } }' });
const AS_USER = { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('user:password').toString('base64')}` };

/**
 * Sends `count` Basic-authenticated `me` requests, each on a new connection, and returns the pids
 * of the workers that logged their logins.
 */
async function pidsAnswering(server: ServerProcess, url: string, count: number): Promise<Set<number>> {
  const before = authEvents(server.output()).length;
  for (let i = 0; i < count; i += 1) {
    const response = await requestOnNewConnection(url, '/graphql', { method: 'POST', headers: AS_USER, body: ME });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { me: { username: 'user' } } });
  }
  const logins = await server.waitFor((output) => {
    const events = authEvents(output)
      .slice(before)
      .filter((event) => event.event === 'login_succeeded');
    return events.length >= count ? events : undefined;
  }, 10_000);
  return new Set(logins.map((event) => event.pid as number));
}

/** A GraphQL POST the server has started on (it answered 100 Continue) whose body is held back until `finish`. */
async function openRequest(url: string, body: string): Promise<{ finish(): Promise<RawResponse> }> {
  const req = request(`${url}/graphql`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), expect: '100-continue' },
  });
  const response = new Promise<RawResponse>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
  });
  await once(req, 'continue');
  return { finish: () => (req.end(body), response) };
}

interface Cluster {
  db: TestDatabase;
  server: ServerProcess;
  url: string;
  workers: number[];
}

async function startCluster(engine: 'sqlite' | 'postgresql'): Promise<Cluster> {
  const db = engine === 'sqlite' ? tempSqliteDatabase() : await tempPostgresDatabase(POSTGRES_ADMIN_URL);
  const server = startMain({ WEB_CONCURRENCY: '2', PORT: '0', DATABASE_URL: db.url });
  const url = await server.listening;
  return { db, server, url, workers: readyWorkerPids(server.output()) };
}

// On the suite's engine: npm test covers SQLite, npm run test:pg PostgreSQL.
const clusters = { [ENGINE]: startCluster(ENGINE) } as Record<typeof ENGINE, Promise<Cluster>>;
for (const started of Object.values(clusters)) started.catch(() => undefined); // reported by the tests that await them

for (const engine of [ENGINE]) {
  describe(`WEB_CONCURRENCY=2 on ${engine}`, () => {
    let db: TestDatabase;
    let server: ServerProcess;
    let url: string;
    let workers: number[];

    beforeAll(async () => {
      ({ db, server, url, workers } = await clusters[engine]);
    });
    afterAll(async () => {
      if (server && server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
      await db?.cleanup();
    });

    it('announces once both workers listen, and both answer on the one port', async () => {
      expect(workers).toHaveLength(2);
      expect(new Set(workers).size).toBe(2);
      expect(workers).not.toContain(server.child.pid);
      expect(server.output().match(/listening on http:/g)).toHaveLength(1);
      expect(server.output()).toContain(`2 workers, primary pid ${server.child.pid}`);
      // The primary seeded once before forking: one copy of the demo data.
      const users = await requestOnNewConnection(url, '/api/users');
      expect(JSON.parse(users.body)).toHaveLength(3);
      expect(await pidsAnswering(server, url, 6)).toEqual(new Set(workers));
    });

    it('replaces a worker killed with SIGKILL and keeps serving meanwhile', async () => {
      const [killed, survivor] = workers as [number, number];
      process.kill(killed, 'SIGKILL');
      await server.waitFor((output) => (output.includes(`Worker ${killed} killed by SIGKILL; starting a replacement`) ? true : undefined));
      const meanwhile = await pidsAnswering(server, url, 3);
      expect(meanwhile.has(killed)).toBe(false);
      expect(meanwhile.has(survivor)).toBe(true);

      const replacement = await server.waitFor((output) => readyWorkerPids(output)[2]);
      expect(workers).not.toContain(replacement);
      expect(await pidsAnswering(server, url, 6)).toEqual(new Set([survivor, replacement]));
      workers = [survivor, replacement];
    });

    it('drains on SIGTERM: an open request still completes, every worker exits, then the primary with 0, and the port is free', async () => {
      const open = await openRequest(url, JSON.stringify({ query: '{ ship(id: 1) { ... on Ship { model } } }' }));
      server.child.kill('SIGTERM');
      await server.waitFor((output) =>
        workers.every((pid) => output.includes(`Worker ${pid}: SIGTERM received, finishing open requests`)) ? true : undefined,
      );
      const answer = await open.finish();
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ data: { ship: { model: 'T-65 X-Wing' } } });

      expect(await server.exited).toEqual({ code: 0, signal: null });
      for (const pid of workers) {
        expect(server.output()).toContain(`Worker ${pid} exited with code 0`);
        expect(processExists(pid)).toBe(false);
      }
      expect(await connectionRefused(url)).toBe(true);
    });
  });
}
