import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tempDatabase, type TestDatabase } from './support/database';
import { parseMetrics, valueOf } from './support/prometheus';
import { killStarted, logLines, readyWorkerPids, requestOnNewConnection, startMain, type ServerProcess } from './support/serverProcess';

// Logs and metrics of real processes: what `npm start` writes on stdout, and one /metrics for a
// WEB_CONCURRENCY=2 cluster, summed over its workers.

const TOKEN = 'cluster-metrics-token-0123456789';
const WRONG_BASIC = `Basic ${Buffer.from('bob@hbtn.io:Cluster-Wr0ng-Passw0rd').toString('base64')}`;

afterAll(killStarted);

let db: TestDatabase | undefined;
afterEach(async () => {
  await db?.cleanup();
  db = undefined;
});

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
}

describe('a cluster of two workers', () => {
  it('answers /metrics on any worker with the counts of both, summed', async () => {
    db = await tempDatabase();
    const server = startMain({ WEB_CONCURRENCY: '2', PORT: '0', DATABASE_URL: db.url, METRICS_TOKEN: TOKEN });
    const url = await server.listening;
    const workers = readyWorkerPids(server.output());
    expect(workers).toHaveLength(2);

    const failures = 6;
    for (let i = 0; i < failures; i += 1) {
      const response = await requestOnNewConnection(url, '/api/v1/users/me', { headers: { authorization: WRONG_BASIC } });
      expect(response.status).toBe(403);
    }
    const lines = await server.waitFor((output) => {
      const failed = logLines(output).filter((line) => line.type === 'auth' && line.event === 'login_failed');
      return failed.length >= failures ? failed : undefined;
    }, 10_000);
    // Both workers served some of them, so a per-worker count could not reach the total.
    expect(new Set(lines.map((line) => line.pid))).toEqual(new Set(workers));

    const scraped: number[][] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await requestOnNewConnection(url, '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      const samples = parseMetrics(response.body);
      scraped.push([
        valueOf(samples, 'hangar_auth_logins_total', { face: 'hb', result: 'failed' }),
        valueOf(samples, 'hangar_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/*', status: '403' }),
        valueOf(samples, 'hangar_db_pool_max'),
      ]);
    }
    const pool = db.file ? 2 : 20; // one connection per worker on SQLite, DATABASE_POOL_MAX (10) each on PostgreSQL
    expect(scraped).toEqual(Array.from({ length: 4 }, () => [failures, failures, pool]));
    const scrapedBy = logLines(server.output())
      .filter((line) => line.type === 'request' && line.route === '/metrics')
      .map((line) => line.pid);
    expect(new Set(scrapedBy)).toEqual(new Set(workers));

    const refused = await requestOnNewConnection(url, '/metrics');
    expect(refused).toEqual({ status: 401, body: '{"error":"Unauthorized"}\n' });
    await stop(server);
    expect(server.output()).not.toContain('Cluster-Wr0ng-Passw0rd');
    expect(server.output()).not.toContain(TOKEN);
  }, 90_000);
});

describe('the log of a process', () => {
  it('is JSON lines on stdout, one per request, written out before the process exits', async () => {
    db = await tempDatabase();
    const server = startMain({ PORT: '0', DATABASE_URL: db.url });
    const url = await server.listening;
    for (let i = 0; i < 20; i += 1) await requestOnNewConnection(url, `/healthz`, { headers: { 'x-request-id': `flush-${i}` } });
    // SIGTERM right away: lines still buffered must not be lost at exit.
    await stop(server);
    const lines = logLines(server.output());
    const ids = lines.filter((line) => line.type === 'request').map((line) => line.requestId);
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `flush-${i}`));
    expect(lines.at(-1)).toMatchObject({ level: 30, msg: 'SIGTERM received, finishing open requests' });
    for (const line of server.output().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  }, 60_000);

  it('LOG_FORMAT=pretty prints for people', async () => {
    db = await tempDatabase();
    const server = startMain({ PORT: '0', DATABASE_URL: db.url, LOG_FORMAT: 'pretty' });
    const url = await server.listening;
    await requestOnNewConnection(url, '/api/ships/2', { headers: { 'x-request-id': 'pretty-1' } });
    await server.waitFor((output) => (output.includes('pretty-1') ? true : undefined), 10_000);
    await stop(server);
    const output = server.output();
    expect(output).toMatch(/^\[[\d:.]+\] INFO \(\d+\): Hangar listening on http:/m);
    expect(output).toMatch(/INFO \(\d+\): request\n(\s+\w+: .*\n)*\s+route: "\/api\/ships\/:id"/);
    expect(output).not.toMatch(/^\{/m);
  }, 60_000);
});
