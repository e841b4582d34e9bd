import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { tempSqliteDatabase } from './support/database';
import { connectionRefused, killStarted, processExists, readyWorkerPids, startMain } from './support/serverProcess';

// When workers cannot be kept running, the cluster primary gives up with exit code 1 rather than
// forking replacements forever.

const startingPids = (output: string) => [...output.matchAll(/"msg":"Worker (\d+) starting"/g)].map((match) => Number(match[1]));

const databases = [tempSqliteDatabase(), tempSqliteDatabase()];
afterAll(async () => {
  await killStarted();
  await Promise.all(databases.map((db) => db.cleanup()));
});

// Both primaries start at once.
const taken = createServer().listen(0, '127.0.0.1');
await once(taken, 'listening');
const portTaken = startMain({ WEB_CONCURRENCY: '2', PORT: String((taken.address() as AddressInfo).port), DATABASE_URL: databases[0]!.url, SEED_DEMO: '0' });
void portTaken.exited.then(() => taken.close());
const crashing = startMain({ WEB_CONCURRENCY: '2', PORT: '0', DATABASE_URL: databases[1]!.url, SEED_DEMO: '0' });

describe('the cluster primary', () => {
  it('exits 1 when a worker dies before every worker has started (here: the port is taken)', async () => {
    expect((await portTaken.exited).code).toBe(1);
    const output = portTaken.output();
    expect(output).toMatch(/^Cannot listen on 127\.0\.0\.1:\d+: the port is already in use \(EADDRINUSE\)/m);
    expect(output).not.toMatch(/\n\s+at /);
    expect(output).toMatch(/Worker \d+ exited with code 1 before every worker listened/);
    expect(output).not.toContain('starting a replacement');
    for (const pid of startingPids(output)) expect(processExists(pid)).toBe(false);
    // A primary and two workers starting through tsx, beside the other cluster of this file.
  }, 60_000);

  it('gives up after five workers in a row die soon after starting, draining the one left', async () => {
    const url = await crashing.listening;
    // The worker ready last has served only for moments, so its death counts as the first of five.
    const [survivor, first] = readyWorkerPids(crashing.output()) as [number, number];
    // Kill it, then each replacement as soon as it is forked.
    const killed: number[] = [];
    let target: number | undefined = first;
    while (target !== undefined && killed.length < 10) {
      process.kill(target, 'SIGKILL');
      killed.push(target);
      target = await crashing.waitFor((output) => startingPids(output).find((pid) => pid !== survivor && !killed.includes(pid)), 10_000).catch(() => undefined); // the primary exited
    }
    expect(await crashing.exited).toEqual({ code: 1, signal: null });
    expect(killed).toHaveLength(5);
    const output = crashing.output();
    expect(output).toContain('5 workers in a row died within 10 s of starting, giving up; stopping 1 worker(s)');
    expect(output).toContain(`Worker ${survivor}: SIGTERM received, finishing open requests`);
    expect(output).toContain(`Worker ${survivor} exited with code 0`);
    for (const pid of [...killed, survivor]) expect(processExists(pid)).toBe(false);
    expect(await connectionRefused(url)).toBe(true);
  });
});
