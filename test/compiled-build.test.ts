import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInto, copyOfProject, type Build } from './support/build';
import { tempSqliteDatabase, type TestDatabase } from './support/database';
import {
  connectionRefused,
  descendants,
  processExists,
  processGroup,
  killStarted,
  readyWorkerPids,
  startBuilt,
  startNpm,
  type ServerProcess,
} from './support/serverProcess';

// The compiled build as production runs it (`node dist/main.js`), and `npm start` as a developer
// or an operator does, as real processes.

let build: Build;
const cleanups: (() => unknown)[] = [];
beforeAll(() => {
  build = buildInto();
  cleanups.push(build.cleanup);
});
afterAll(async () => {
  await killStarted();
  for (const cleanup of cleanups) await cleanup();
});

function database(): TestDatabase & { file: string } {
  const db = tempSqliteDatabase();
  cleanups.push(db.cleanup);
  return db;
}

const STACK_LINE = /\n\s+at /;
// Three processes start one after the other (the primary, then two workers at once).
const CLUSTER_TIMEOUT_MS = 60_000;

/** Resolves once `check` holds, checking every 20 ms; fails after `ms`. */
async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still not true after ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as { port: number }).port, server };
}

describe('the compiled build', () => {
  it('creates and migrates a new SQLite file, serves every face, loads GraphiQL on demand, and stops on SIGTERM', async () => {
    const db = database();
    const server = startBuilt(build.main, { PORT: '0', DATABASE_URL: db.url });
    const url = await server.listening;
    expect(existsSync(db.file)).toBe(true);
    const ship = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ ship(id: 1) { ... on Ship { model } } }' }),
    });
    expect(await ship.json()).toEqual({ data: { ship: { model: 'T-65 X-Wing' } } });
    const login = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'user', password: 'password' }),
    });
    expect(login.status).toBe(200);
    const page = await fetch(`${url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'sha256-");
    expect(await page.text()).toContain('graphiql');
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).not.toMatch(STACK_LINE);
  });

  it('starts again on the existing file, and its db CLI reads the same migrations', async () => {
    const db = database();
    const first = startBuilt(build.main, { PORT: '0', DATABASE_URL: db.url });
    await first.listening;
    first.child.kill('SIGTERM');
    await first.exited;
    const again = startBuilt(build.main, { PORT: '0', DATABASE_URL: db.url });
    const url = await again.listening;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);

    const status = spawnSync(process.execPath, [build.dbCli, 'status'], { env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8' });
    expect(status.stdout).toContain('Up to date.');
    expect(status.status).toBe(0);
  });

  it('refuses to serve a database with pending migrations when DATABASE_MIGRATE=0, and serves once db:migrate ran', async () => {
    const db = database();
    const refused = startBuilt(build.main, { PORT: '0', DATABASE_URL: db.url, DATABASE_MIGRATE: '0' });
    expect((await refused.exited).code).toBe(1);
    expect(refused.output()).toMatch(/has 6 pending migration\(s\).*DATABASE_MIGRATE=0/);
    expect(refused.output()).not.toMatch(STACK_LINE);

    const migrate = spawnSync(process.execPath, [build.dbCli, 'migrate'], { env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8' });
    expect(migrate.stdout).toContain('applied Migration20261201000000_initial');
    const served = startBuilt(build.main, { PORT: '0', DATABASE_URL: db.url, DATABASE_MIGRATE: '0' });
    const url = await served.listening;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    served.child.kill('SIGTERM');
    await served.exited;
  });
});

describe('errors an operator meets, with the compiled build: one line and exit code 1', () => {
  const expectOneLine = async (server: ServerProcess, line: RegExp) => {
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toMatch(line);
    expect(server.output()).not.toMatch(STACK_LINE);
  };

  it('the port is in use', async () => {
    const { port } = await occupiedPort();
    const server = startBuilt(build.main, { PORT: String(port), DATABASE_URL: database().url });
    await expectOneLine(
      server,
      new RegExp(`^Cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use \\(EADDRINUSE\\); set PORT to a free one\\n$`),
    );
  });

  it(
    'the port is in use, with worker processes: every worker stops and the primary exits 1',
    async () => {
      const { port } = await occupiedPort();
      const server = startBuilt(build.main, { PORT: String(port), WEB_CONCURRENCY: '2', DATABASE_URL: database().url });
      await expectOneLine(server, new RegExp(`\\nCannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
      expect(server.output()).toMatch(/exited with code 1 before every worker listened/);
      expect(descendants(server.child.pid!)).toEqual([]);
    },
    CLUSTER_TIMEOUT_MS,
  );

  it('HOST is not an address of this machine', async () => {
    // 192.0.2.0/24 is reserved for documentation: no machine has it.
    const server = startBuilt(build.main, { PORT: '0', HOST: '192.0.2.1', DATABASE_URL: database().url });
    await expectOneLine(server, /^Cannot listen on 192\.0\.2\.1:0: 192\.0\.2\.1 is not an address of this machine \(EADDRNOTAVAIL\); check HOST\n$/);
  });

  it('the SQLite path cannot be written', async () => {
    const db = database();
    appendFileSync(db.file, 'a file, so no folder can be made under it');
    const server = startBuilt(build.main, { PORT: '0', DATABASE_URL: `sqlite:${db.file}/hangar.sqlite` });
    await expectOneLine(server, new RegExp(`^Cannot open the SQLite database ${db.file}/hangar.sqlite: (EEXIST|ENOTDIR)\\b.*\\n$`));
  });

  it('PostgreSQL does not answer (and the password is not printed)', async () => {
    // Nothing listens on port 1.
    const server = startBuilt(build.main, { PORT: '0', DATABASE_URL: 'postgres://hangar:s3cret-pw@127.0.0.1:1/hangar', DATABASE_STARTUP_TIMEOUT: '1' });
    await expectOneLine(server, /^Database \S*127\.0\.0\.1:1\/hangar unreachable for 1 s, giving up: .*\n$/);
    expect(server.output()).not.toContain('s3cret-pw');
  });
});

describe('npm start', () => {
  /**
   * Starts `npm start`, waits for the server, sends `signal` to npm (or to the node process npm
   * started), and checks that nothing npm started is left and the port is closed.
   */
  async function stopsEverything(signal: NodeJS.Signals, to: 'npm' | 'node', env: Record<string, string> = {}) {
    const npm = startNpm({ PORT: '0', DATABASE_URL: database().url, ...env });
    const url = await npm.listening;
    const workers = Number(env.WEB_CONCURRENCY ?? 1);
    if (workers > 1) await npm.waitFor((output) => (readyWorkerPids(output).length === workers ? true : undefined));
    const started = descendants(npm.child.pid!);
    // npm, then node with nothing between them (no shell to swallow the signal), then the workers,
    // and each serving process's argon2 child (auth/argon2Process.ts).
    const [node, ...rest] = started;
    expect(readFileSync(`/proc/${node}/cmdline`, 'utf8')).toMatch(/^node\0(--[^\0]+\0)*dist\/main\.js\0$/);
    const isArgon2Child = (pid: number) => /\0-e\0/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    expect(rest.filter((pid) => !isArgon2Child(pid))).toHaveLength(workers > 1 ? workers : 0);
    expect(rest.filter(isArgon2Child)).toHaveLength(workers);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    process.kill(to === 'npm' ? npm.child.pid! : node!, signal);
    await npm.exited;
    await eventually(() => processGroup(npm.child.pid!).length === 0, `the process group of npm start is empty (${processGroup(npm.child.pid!).join(', ')})`);
    for (const pid of started) expect(processExists(pid), `process ${pid}`).toBe(false);
    expect(await connectionRefused(url)).toBe(true);
    expect(npm.output()).toContain(`${signal} received`);
    expect(npm.output()).not.toMatch(STACK_LINE);
  }

  it('SIGTERM to npm stops the server it started', () => stopsEverything('SIGTERM', 'npm'));
  it('SIGINT to npm stops the server it started', () => stopsEverything('SIGINT', 'npm'));
  it('SIGTERM to the node process stops it, and npm exits with it', () => stopsEverything('SIGTERM', 'node'));
  it(
    'SIGTERM to npm stops the cluster primary and both workers (WEB_CONCURRENCY=2)',
    () => stopsEverything('SIGTERM', 'npm', { WEB_CONCURRENCY: '2' }),
    CLUSTER_TIMEOUT_MS,
  );
  it(
    'SIGINT to npm stops the cluster primary and both workers (WEB_CONCURRENCY=2)',
    () => stopsEverything('SIGINT', 'npm', { WEB_CONCURRENCY: '2' }),
    CLUSTER_TIMEOUT_MS,
  );

  it('builds on a fresh clone, and rebuilds when a source file changed, so it never runs older code', async () => {
    const project = copyOfProject();
    cleanups.push(project.cleanup);
    const db = database();
    const first = startNpm({ PORT: '0', DATABASE_URL: db.url }, project.root);
    await first.listening;
    expect(first.output()).toMatch(/built src\/main\.ts, src\/cli\/db\.ts, src\/cli\/hangar\.ts into dist/);
    process.kill(first.child.pid!, 'SIGTERM');
    await first.exited;

    const unchanged = startNpm({ PORT: '0', DATABASE_URL: db.url }, project.root);
    await unchanged.listening;
    expect(unchanged.output()).not.toContain('built ');
    process.kill(unchanged.child.pid!, 'SIGTERM');
    await unchanged.exited;

    appendFileSync(join(project.root, 'src', 'main.ts'), "\nconsole.log('this line was added after the first build');\n");
    const changed = startNpm({ PORT: '0', DATABASE_URL: db.url }, project.root);
    await changed.listening;
    await changed.waitFor((output) => (output.includes('this line was added after the first build') ? true : undefined));
    expect(changed.output()).toContain('built ');
    process.kill(changed.child.pid!, 'SIGTERM');
    await changed.exited;
  });
});
