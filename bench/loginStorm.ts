// npx tsx bench/loginStorm.ts: does a storm of logins starve token-authenticated requests?
// Token requests (GET /api/resource, Bearer) are measured alone, then while 16 connections post
// correct passwords to TX's /auth/login, in interleaved rounds on one server. Target (issue 12):
// beside the storm the token path keeps ≥0.7× its throughput and its p99 stays ≤2× the idle p99.
//
// The storm is many users logging in (after an outage, at the start of a shift), not one client
// hammering one account: it rotates over BENCH_STORM_ACCOUNTS accounts from one address. A
// right password gives its throttle attempts back, so the defaults never refuse it; one account
// from many parallel connections would meet RATE_LIMIT_PER_ACCOUNT, which is the point of it.
// Every login runs argon2 (logins do not use the verified-password cache; README).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDatabaseUrl, startHangar } from './harness';
import { mean, run, sleep, stop, txAccessToken, verdict } from './load';

export interface LoginStormOptions {
  seconds?: number;
  rounds?: number;
  tokenConnections?: number;
  stormConnections?: number;
  accounts?: number;
  env?: Record<string, string>;
}

export async function runLoginStorm(options: LoginStormOptions = {}): Promise<boolean> {
  const { seconds = 6, rounds = 3, tokenConnections = 16, stormConnections = 16, accounts = 64 } = options;
  const dir = mkdtempSync(join(tmpdir(), 'hangar-storm-'));
  const hangar = await startHangar('src/main.ts', { PORT: '0', DATABASE_URL: benchDatabaseUrl(dir), NODE_ENV: 'production', SEED_DEMO: '1', ...options.env });
  try {
    const names = Array.from({ length: accounts }, (_, i) => `storm-${i}`);
    for (const name of names) {
      const response = await fetch(`${hangar.url}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: name, password: `${name}-password` }),
      });
      if (response.status !== 201) throw new Error(`registering ${name}: ${response.status}`);
    }
    let next = 0;
    const storm = {
      url: `${hangar.url}/auth/login`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      connections: stormConnections,
      seconds: seconds + 2,
      nextBody: () => {
        const name = names[next++ % names.length]!;
        return JSON.stringify({ username: name, password: `${name}-password` });
      },
    };
    const token = {
      url: `${hangar.url}/api/resource`,
      connections: tokenConnections,
      seconds,
      headers: { authorization: `Bearer ${await txAccessToken(hangar.url)}` },
    };
    await run({ ...token, seconds: 1 });

    const rows = [];
    const idle = [];
    const busy = [];
    for (let round = 1; round <= rounds; round += 1) {
      const alone = await run(token);
      const storming = run(storm);
      await sleep(1000);
      const beside = await run(token);
      const logins = await storming;
      idle.push(alone);
      busy.push(beside);
      rows.push({
        round,
        'token req/s idle': Math.round(alone.rps),
        'token req/s in storm': Math.round(beside.rps),
        kept: (beside.rps / alone.rps).toFixed(2),
        'p99 idle ms': alone.p99,
        'p99 in storm ms': beside.p99,
        'p99 ×': (beside.p99 / Math.max(alone.p99, 1)).toFixed(2),
        'logins/s': Math.round(logins.rps),
        'login p99 ms': logins.p99,
      });
    }
    console.log(
      `\nLogin storm: ${tokenConnections} Bearer connections on GET /api/resource, alone and beside ${stormConnections} connections of POST /auth/login over ${accounts} accounts, ${seconds} s${options.env ? ` ${JSON.stringify(options.env)}` : ''}`,
    );
    console.table(rows);
    const kept = mean(busy.map((b) => b.rps)) / mean(idle.map((a) => a.rps));
    const p99 = mean(busy.map((b) => b.p99)) / Math.max(1, mean(idle.map((a) => a.p99)));
    const ok = kept >= 0.7 && p99 <= 2;
    console.log(`throughput kept ${kept.toFixed(2)} (≥ 0.7) ${verdict(kept >= 0.7)}; p99 ×${p99.toFixed(2)} (≤ 2) ${verdict(p99 <= 2)}`);
    return ok;
  } finally {
    await stop(hangar);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  runLoginStorm().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
