// npx tsx bench/shipsList.ts: TX's unpaginated GET /api/ships at 100k ships (issue 12, target 5).
// Seeds 100k ships, then per round fetches the whole list while another client (a process of its
// own) sends GET /api/ships/1 back to back, sampling the server's RSS from /proc. The same runs against a baseline checkout
// (BENCH_SHIPS_BASELINE, a git ref; default the commit before streaming; "none" skips it) on the
// same database, interleaved. Also measures a paged list (GraphQL ships(first: 20)) at 1k and 100k.
// Targets: list ≥4× faster than the baseline, RSS growth < 50 MB, /api/ships/1 p99 < 100 ms while
// the list streams, the same bytes as the baseline, paged lists flat (100k ≥ 0.5× the 1k rate).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config';
import { initORM } from '../src/db/orm';
import { benchDatabaseUrl, startHangar, type Target } from './harness';
import { mean, run, stop, verdict } from './load';

const SHIPS = 100_000;
const DEFAULT_BASELINE = '3440da7';
const COLUMNS = 'affiliation, category, crew, length, manufacturer, model, ship_class, roles, created_by_id, created_at, updated_at';

/** Fills the ships table to `count` rows by doubling what is there (multi-row insert … select). */
async function seedShips(databaseUrl: string, count: number): Promise<void> {
  const orm = await initORM(loadConfig({ DATABASE_URL: databaseUrl, DATABASE_MIGRATE: '0' }));
  try {
    const connection = orm.em.getConnection();
    for (;;) {
      const [row] = await connection.execute<{ n: number | string }[]>('select count(*) as n from ships');
      const have = Number(row!.n);
      if (have >= count) return;
      await connection.execute(
        `insert into ships (${COLUMNS}) select ${COLUMNS.replace('model', "model || ' ' || id")} from ships order by id limit ${Math.min(have, count - have)}`,
      );
    }
  } finally {
    await orm.close();
  }
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

interface ListRun {
  seconds: number;
  rssGrowthMB: number;
  probeP99: number;
  probeMax: number;
  probes: number;
  body: Buffer;
}

// The probing client, a process of its own: in this one, gathering the 34 MB list (its chunks,
// their final copy, their garbage) would hold up the probes and be counted as the server's time.
// It sends GET /api/ships/1 back to back until its stdin closes, and prints each one's start (ms
// since the epoch) and latency.
const PROBER = `
const url = process.argv[1];
let open = true;
process.stdin.on('end', () => (open = false)).resume();
(async () => {
  while (open) {
    const started = performance.timeOrigin + performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error('GET /api/ships/1: ' + response.status);
    process.stdout.write(started + ' ' + (performance.timeOrigin + performance.now() - started) + '\\n');
  }
})();
`;

async function listOnce(target: Target): Promise<ListRun> {
  const pid = target.child.pid!;
  const base = rssBytes(pid);
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 10);
  const prober = spawn(process.execPath, ['-e', PROBER, `${target.url}/api/ships/1`], { stdio: ['pipe', 'pipe', 'inherit'] });
  let lines = '';
  prober.stdout.on('data', (chunk: Buffer) => (lines += chunk));
  // Started once the prober has answers coming back, so the first probes are not its own start.
  while (!lines.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 5));
  const listFrom = performance.timeOrigin + performance.now();
  const started = performance.now();
  // node:http, not fetch: undici takes seconds to gather a 34 MB body, which would hide the server's time.
  const { status, body } = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    request(`${target.url}/api/ships`, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
  const seconds = (performance.now() - started) / 1000;
  const listTo = performance.timeOrigin + performance.now();
  const exited = once(prober, 'exit');
  prober.stdin.end();
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`the probing client exited with ${code}`);
  clearInterval(sampler);
  // The probes sent while the list was being read.
  const latencies = lines
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number) as [number, number])
    .filter(([at]) => at >= listFrom && at < listTo)
    .map(([, ms]) => ms);
  if (status !== 200) throw new Error(`GET /api/ships: ${status}`);
  return {
    seconds,
    rssGrowthMB: (peak - base) / 2 ** 20,
    probeP99: percentile(latencies, 99),
    probeMax: Math.max(...latencies),
    probes: latencies.length,
    body,
  };
}

async function pagedRps(target: Target): Promise<number> {
  const body = JSON.stringify({ query: '{ ships(first: 20) { ... on ShipPage { hasNextPage nodes { id model roles } } } }' });
  return (
    await run({
      url: `${target.url}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      connections: 8,
      seconds: 4,
      nextBody: () => body,
    })
  ).rps;
}

/** A checkout of `ref` in a temporary directory that uses this project's node_modules. */
function checkout(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-baseline-'));
  execFileSync('sh', ['-c', `git archive ${ref} | tar -x -C ${dir}`]);
  symlinkSync(realpathSync('node_modules'), join(dir, 'node_modules'));
  return dir;
}

export async function runShipsList(options: { rounds?: number; baseline?: string } = {}): Promise<boolean> {
  const { rounds = 3 } = options;
  const baselineRef = options.baseline ?? process.env.BENCH_SHIPS_BASELINE ?? DEFAULT_BASELINE;
  const dir = mkdtempSync(join(tmpdir(), 'hangar-ships-'));
  const databaseUrl = benchDatabaseUrl(dir);
  const env = { PORT: '0', DATABASE_URL: databaseUrl, NODE_ENV: 'production', SEED_DEMO: '1' };
  const baselineDir = baselineRef === 'none' ? null : checkout(baselineRef);
  const servers: { name: string; target: Target }[] = [];
  try {
    servers.push({ name: 'this', target: await startHangar('src/main.ts', env) });
    if (baselineDir) servers.push({ name: `baseline ${baselineRef}`, target: await startHangar(resolve(baselineDir, 'src/main.ts'), env) });
    const here = servers[0]!.target;

    await seedShips(databaseUrl, 1000);
    await pagedRps(here);
    const paged1k = await pagedRps(here);
    await seedShips(databaseUrl, SHIPS);
    const paged100k = await pagedRps(here);

    const runs = new Map<string, ListRun[]>(servers.map((s) => [s.name, []]));
    for (let round = 1; round <= rounds; round += 1) {
      for (const { name, target } of servers) runs.get(name)!.push(await listOnce(target));
    }
    const rows = [...runs].flatMap(([name, list]) =>
      list.map((r, i) => ({
        server: name,
        round: i + 1,
        'list s': r.seconds.toFixed(2),
        'RSS growth MB': r.rssGrowthMB.toFixed(1),
        'ships/1 p99 ms': r.probeP99.toFixed(1),
        'ships/1 max ms': r.probeMax.toFixed(1),
        probes: r.probes,
        'body MB': (r.body.length / 2 ** 20).toFixed(1),
      })),
    );
    console.log(`\nGET /api/ships at ${SHIPS} ships, with GET /api/ships/1 back to back beside it`);
    console.table(rows);
    const mine = runs.get('this')!;
    const seconds = mean(mine.map((r) => r.seconds));
    const growth = Math.max(...mine.map((r) => r.rssGrowthMB));
    const p99 = Math.max(...mine.map((r) => r.probeP99));
    const checks: [string, boolean][] = [
      [`RSS growth ${growth.toFixed(1)} MB < 50`, growth < 50],
      [`GET /api/ships/1 p99 ${p99.toFixed(1)} ms < 100 while the list streams`, p99 < 100],
      [`paged list: ${Math.round(paged100k)} req/s at 100k vs ${Math.round(paged1k)} at 1k (≥ 0.5×)`, paged100k >= 0.5 * paged1k],
    ];
    const baseline = baselineDir ? runs.get(servers[1]!.name)! : null;
    if (baseline) {
      const before = mean(baseline.map((r) => r.seconds));
      checks.push([`list ${seconds.toFixed(2)} s vs ${before.toFixed(2)} s before: ${(before / seconds).toFixed(1)}× faster (≥ 4×)`, before / seconds >= 4]);
      checks.push(['same bytes as before', mine.every((r) => r.body.equals(baseline[0]!.body))]);
    } else {
      console.log(`list ${seconds.toFixed(2)} s (no baseline run)`);
    }
    for (const [text, ok] of checks) console.log(`${verdict(ok)}  ${text}`);
    return checks.every(([, ok]) => ok);
  } finally {
    for (const { target } of servers) await stop(target);
    rmSync(dir, { recursive: true, force: true });
    if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  runShipsList().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
