// npm run bench:flood: does a flood of Basic-with-password requests (argon2 on every request)
// starve Bearer-token requests? For each ARGON2_CONCURRENCY setting, the token `me` query is
// measured alone and then while the flood runs, on the same server; the ratio is the damage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessToken, benchDatabaseUrl, measure, startHangar } from './harness';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const floodConnections = Number(process.env.BENCH_FLOOD_CONNECTIONS ?? 32);
const settings = (process.env.BENCH_ARGON2_CONCURRENCY ?? '1,2,64').split(',');

async function main() {
  const rows: Record<string, Record<string, number | string>> = {};
  for (const concurrency of settings) {
    const dir = mkdtempSync(join(tmpdir(), 'hangar-flood-'));
    const hangar = await startHangar('src/main.ts', {
      PORT: '0',
      DATABASE_URL: benchDatabaseUrl(dir),
      NODE_ENV: 'production',
      SEED_DEMO: '1',
      ARGON2_CONCURRENCY: concurrency,
      // The flood must reach argon2, not the throttle: its password is right and limits are high.
      RATE_LIMIT_PER_ACCOUNT: '1000000',
      RATE_LIMIT_PER_IP: '1000000',
    });
    try {
      const url = `${hangar.url}/graphql`;
      const body = JSON.stringify({ query: '{ me { id } }' });
      const token = {
        url,
        body,
        seconds,
        connections: 4,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await accessToken(hangar.url)}` },
      };
      const alone = await measure(token);
      const basic = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
      const flood = measure({
        url,
        body,
        seconds: seconds + 2,
        connections: floodConnections,
        headers: { 'content-type': 'application/json', authorization: basic },
      });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const underFlood = await measure(token);
      const floodResult = await flood;
      rows[`ARGON2_CONCURRENCY=${concurrency}`] = {
        'token req/s alone': Math.round(alone.rps),
        'token req/s in flood': Math.round(underFlood.rps),
        'throughput kept': (underFlood.rps / alone.rps).toFixed(2),
        'token p99 alone ms': alone.p99,
        'token p99 in flood ms': underFlood.p99,
        'p99 ratio': (underFlood.p99 / Math.max(alone.p99, 1)).toFixed(1),
        'basic req/s': Math.round(floodResult.rps),
      };
    } finally {
      hangar.child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nBearer me (4 connections) alone vs beside ${floodConnections} connections of Basic password requests, ${seconds} s each\n`);
  console.table(rows);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
