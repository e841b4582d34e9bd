// npx tsx bench/passwordCache.ts: Basic user:password on every request (RA's /api/resource)
// against the Bearer token path on the same server, interleaved rounds. Target (issue 12): ≥0.5×.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDatabaseUrl, startHangar } from './harness';
import { mean, run, stop, txAccessToken, verdict } from './load';

export async function runPasswordCache(
  options: { seconds?: number; rounds?: number; connections?: number; env?: Record<string, string> } = {},
): Promise<boolean> {
  const { seconds = 5, rounds = 3, connections = 16 } = options;
  const dir = mkdtempSync(join(tmpdir(), 'hangar-basic-'));
  const hangar = await startHangar('src/main.ts', { PORT: '0', DATABASE_URL: benchDatabaseUrl(dir), NODE_ENV: 'production', SEED_DEMO: '1', ...options.env });
  try {
    const url = `${hangar.url}/api/resource`;
    const token = { url, connections, seconds, headers: { authorization: `Bearer ${await txAccessToken(hangar.url)}` } };
    const basic = { url, connections, seconds, headers: { authorization: `Basic ${Buffer.from('user:password').toString('base64')}` } };
    // One request first: until argon2 has verified the password once, parallel requests each count
    // an attempt, and more than RATE_LIMIT_PER_ACCOUNT at once are refused (README).
    await fetch(url, { headers: basic.headers });
    await run({ ...token, seconds: 1 });
    await run({ ...basic, seconds: 1 });
    const rows = [];
    const ratios = [];
    for (let round = 1; round <= rounds; round += 1) {
      const t = await run(token);
      const b = await run(basic);
      ratios.push(b.rps / t.rps);
      rows.push({
        round,
        'token req/s': Math.round(t.rps),
        'token p99': t.p99,
        'basic req/s': Math.round(b.rps),
        'basic p99': b.p99,
        ratio: (b.rps / t.rps).toFixed(2),
      });
    }
    console.log(
      `\nGET /api/resource, ${connections} connections, ${seconds} s per run: Bearer vs Basic user:password${options.env ? ` ${JSON.stringify(options.env)}` : ''}`,
    );
    console.table(rows);
    const ratio = mean(ratios);
    const ok = ratio >= 0.5;
    console.log(`Basic password / token: ${ratio.toFixed(2)} (target ≥ 0.5) ${verdict(ok)}`);
    return ok;
  } finally {
    await stop(hangar);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  // PASSWORD_CACHE=0 gives the figure without the cache; 16 parallel argon2 checks of one account
  // then also need RATE_LIMIT_PER_ACCOUNT raised.
  const passed = Object.fromEntries(['PASSWORD_CACHE', 'RATE_LIMIT_PER_ACCOUNT'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])));
  runPasswordCache({ env: Object.keys(passed).length > 0 ? passed : undefined }).then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
