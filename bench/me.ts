// npm run bench: requests/s and p99 latency of the GraphQL `me` query with a Bearer token,
// measured next to a bare node:http server in the same run. Each target runs in its own process;
// the load generator runs here. Rounds alternate between the two to spread out machine noise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessToken, benchDatabaseUrl, mean, measure, start, type Measurement } from './harness';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-bench-'));
  // Production settings, with the demo data kept for a user to log in as.
  const hangar = await start('src/main.ts', { PORT: '0', DATABASE_URL: benchDatabaseUrl(dir), NODE_ENV: 'production', SEED_DEMO: '1' });
  const bare = await start('bench/bareServer.ts', {});
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${await accessToken(hangar.url)}` };
    const body = JSON.stringify({ query: '{ me { id username } }' });
    const check = await (await fetch(`${hangar.url}/graphql`, { method: 'POST', headers, body })).json();
    if (JSON.stringify(check) !== JSON.stringify({ data: { me: { id: 1, username: 'user' } } })) throw new Error(`unexpected: ${JSON.stringify(check)}`);

    // An untimed round first, so JIT warm-up and the first SQLite page reads are not measured.
    await measure({ url: bare.url, headers, body, connections, seconds: warmupSeconds });
    await measure({ url: `${hangar.url}/graphql`, headers, body, connections, seconds: warmupSeconds });

    const results = { bare: [] as Measurement[], hangar: [] as Measurement[] };
    for (let round = 1; round <= rounds; round += 1) {
      results.bare.push(await measure({ url: bare.url, headers, body, connections, seconds }));
      results.hangar.push(await measure({ url: `${hangar.url}/graphql`, headers, body, connections, seconds }));
      console.log(`round ${round}: bare ${results.bare.at(-1)!.rps.toFixed(0)} req/s, hangar ${results.hangar.at(-1)!.rps.toFixed(0)} req/s`);
    }
    const bareRps = mean(results.bare.map((r) => r.rps));
    const hangarRps = mean(results.hangar.map((r) => r.rps));
    const bareP99 = mean(results.bare.map((r) => r.p99));
    const hangarP99 = mean(results.hangar.map((r) => r.p99));
    console.log(`\n${connections} connections, ${rounds} x ${seconds} s per target\n`);
    console.table({
      'bare node:http': { 'req/s': Math.round(bareRps), 'p99 ms': bareP99 },
      'hangar { me } + Bearer': { 'req/s': Math.round(hangarRps), 'p99 ms': hangarP99 },
    });
    console.log(`hangar/bare throughput ratio: ${(hangarRps / bareRps).toFixed(3)}`);
    console.log(`hangar/bare p99 latency ratio: ${(hangarP99 / Math.max(bareP99, 1)).toFixed(2)}`);
  } finally {
    hangar.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
