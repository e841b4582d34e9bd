// npm run bench (bench/speed.ts): Hangar's token paths beside bare anchors, in one run.
// Each target runs in its own process with the same number of processes (WEB_CONCURRENCY); the
// load generator (autocannon) runs here. Rounds interleave Hangar and the anchors so that machine
// noise lands on both sides, after an untimed warm-up. Prints req/s, p50 and p99 per target and
// round, then each ratio per round and its mean against its target, PASS or FAIL.
//
// Settings (flag or environment variable):
//   --engines=sqlite,postgres   BENCH_ENGINES      which databases Hangar runs on
//   --concurrency=1,2           BENCH_CONCURRENCY  WEB_CONCURRENCY values, for Hangar and the anchors
//   --rounds=5                  BENCH_ROUNDS
//   --seconds=2                 BENCH_SECONDS      per target and round
//   --warmup=2                  BENCH_WARMUP_SECONDS
//   --connections=32            BENCH_CONNECTIONS
//   --pg=postgres://…           BENCH_PG_URL       the PostgreSQL server a scratch database is made on
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { signToken } from '../src/auth/tokens';
import { ANCHOR_ISSUER } from './anchors/serve';
import { deriveTokenKeys } from '../src/auth/tokens';
import { accessToken, benchDatabase, mean, measure, start, startHangar, stop, type Measurement, type Target } from './harness';

export interface SpeedBenchOptions {
  engines: ('sqlite' | 'postgres')[];
  concurrency: number[];
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  pgUrl: string;
}

function setting(argv: string[], flag: string, env: string, fallback: string): string {
  const prefix = `--${flag}=`;
  return argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length) ?? process.env[env] ?? fallback;
}

export function speedBenchOptions(argv: string[] = process.argv.slice(2)): SpeedBenchOptions {
  const list = (flag: string, env: string, fallback: string) =>
    setting(argv, flag, env, fallback)
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const engines = list('engines', 'BENCH_ENGINES', 'sqlite,postgres');
  for (const engine of engines) if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine}: sqlite or postgres`);
  const number = (flag: string, env: string, fallback: string) => {
    const value = Number(setting(argv, flag, env, fallback));
    if (!(value > 0)) throw new Error(`--${flag} must be a positive number`);
    return value;
  };
  return {
    engines: engines as SpeedBenchOptions['engines'],
    concurrency: list('concurrency', 'BENCH_CONCURRENCY', '1,2').map(Number),
    rounds: number('rounds', 'BENCH_ROUNDS', '5'),
    seconds: number('seconds', 'BENCH_SECONDS', '2'),
    warmupSeconds: number('warmup', 'BENCH_WARMUP_SECONDS', '2'),
    connections: number('connections', 'BENCH_CONNECTIONS', '32'),
    pgUrl: setting(argv, 'pg', 'BENCH_PG_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
  };
}

interface Load {
  target: 'hangar' | 'express' | 'yoga' | 'raw';
  path: string;
  headers: Record<string, string>;
  body?: string;
  expect: string;
}

const ME = JSON.stringify({ query: '{ me { id username } }' });
const ME_ANSWER = JSON.stringify({ data: { me: { id: 1, username: 'user' } } });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const json = { 'content-type': 'application/json' };

/** The ratios the issue sets, numerator over denominator (load names below). */
const RATIOS = [
  { name: '/api/resource Bearer vs Express+jose', over: 'hangar rest bearer', under: 'express bearer', target: 0.8 },
  { name: '/api/resource Basic-token vs Express+jose', over: 'hangar rest basic-token', under: 'express basic-token', target: 0.8 },
  { name: 'GraphQL me Bearer vs yoga+Pothos', over: 'hangar graphql bearer', under: 'yoga bearer', target: 0.8 },
  { name: 'Basic user:password vs token path', over: 'hangar rest basic-password', under: 'hangar rest bearer', target: 0.5 },
] as const;

async function benchOne(engine: 'sqlite' | 'postgres', processes: number, options: SpeedBenchOptions): Promise<boolean> {
  console.log(`\n=== ${engine}, WEB_CONCURRENCY=${processes}: ${options.rounds} rounds x ${options.seconds} s, ${options.connections} connections ===`);
  const dir = mkdtempSync(join(tmpdir(), 'hangar-bench-'));
  const database = await benchDatabase(dir, engine === 'postgres' ? options.pgUrl : undefined);
  const secret = randomBytes(32);
  const common = { PORT: '0', WEB_CONCURRENCY: String(processes) };
  const targets: Partial<Record<Load['target'], Target>> = {};
  try {
    targets.hangar = await startHangar('src/main.ts', {
      ...common,
      DATABASE_URL: database.url,
      NODE_ENV: 'production',
      SEED_DEMO: '1',
      // Basic user:password on every request must reach argon2 (or its cache), not the throttle.
      RATE_LIMIT_PER_ACCOUNT: '1000000',
      RATE_LIMIT_PER_IP: '1000000',
    });
    const anchorEnv = { ...common, ANCHOR_SECRET: secret.toString('hex') };
    [targets.express, targets.yoga, targets.raw] = await Promise.all([
      start('bench/anchors/express.ts', anchorEnv),
      start('bench/anchors/yoga.ts', anchorEnv),
      start('bench/anchors/raw.ts', anchorEnv),
    ]);

    const hangarToken = await accessToken(targets.hangar.url);
    const anchorKeys = await deriveTokenKeys(secret, { jwtIssuer: ANCHOR_ISSUER, jwtAudience: ANCHOR_ISSUER });
    const spec = { type: 'access' as const, subject: 'c0ffee00-0000-4000-8000-000000000001', identity: 1, version: 0, family: 'bench' };
    const { token: anchorToken } = await signToken(anchorKeys, spec, Date.now(), 3600);
    const resource = JSON.stringify({ data: 'Hello, user!' });
    const loads: Record<string, Load> = {
      'hangar rest bearer': { target: 'hangar', path: '/api/resource', headers: { authorization: `Bearer ${hangarToken}` }, expect: resource },
      'hangar rest basic-token': { target: 'hangar', path: '/api/resource', headers: { authorization: basic(hangarToken, 'unused') }, expect: resource },
      'hangar graphql bearer': {
        target: 'hangar',
        path: '/graphql',
        headers: { ...json, authorization: `Bearer ${hangarToken}` },
        body: ME,
        expect: ME_ANSWER,
      },
      'hangar rest basic-password': { target: 'hangar', path: '/api/resource', headers: { authorization: basic('user', 'password') }, expect: resource },
      'express bearer': { target: 'express', path: '/api/resource', headers: { authorization: `Bearer ${anchorToken}` }, expect: resource },
      'express basic-token': { target: 'express', path: '/api/resource', headers: { authorization: basic(anchorToken, 'unused') }, expect: resource },
      'yoga bearer': { target: 'yoga', path: '/graphql', headers: { ...json, authorization: `Bearer ${anchorToken}` }, body: ME, expect: ME_ANSWER },
      'raw node:http': { target: 'raw', path: '/graphql', headers: json, body: ME, expect: ME_ANSWER },
    };
    const urlOf = (load: Load) => `${targets[load.target]!.url}${load.path}`;

    // Every target answers what it should before anything is timed (JSON compared without layout).
    for (const [name, load] of Object.entries(loads)) {
      const response = await fetch(urlOf(load), { method: load.body ? 'POST' : 'GET', headers: load.headers, body: load.body });
      const text = await response.text();
      if (response.status !== 200 || JSON.stringify(JSON.parse(text)) !== load.expect) throw new Error(`${name}: unexpected ${response.status} ${text}`);
    }

    const run = (load: Load, seconds: number) =>
      measure({ url: urlOf(load), headers: load.headers, body: load.body, connections: options.connections, seconds });
    for (const load of Object.values(loads)) await run(load, options.warmupSeconds);

    const results: Record<string, Measurement[]> = Object.fromEntries(Object.keys(loads).map((name) => [name, []]));
    // Hangar, anchors, Hangar, …: each Hangar load sits beside the anchor it is compared with.
    const order = [
      'hangar rest bearer',
      'express bearer',
      'hangar rest basic-token',
      'express basic-token',
      'hangar graphql bearer',
      'yoga bearer',
      'hangar rest basic-password',
      'raw node:http',
    ];
    const table: Record<string, Record<string, number | string>> = {};
    for (let round = 1; round <= options.rounds; round += 1) {
      for (const name of order) {
        const m = await run(loads[name]!, options.seconds);
        results[name]!.push(m);
        table[`${name} #${round}`] = { 'req/s': Math.round(m.rps), 'p50 ms': m.p50, 'p99 ms': m.p99 };
      }
    }
    console.table(table);

    const ratioTable: Record<string, Record<string, number | string>> = {};
    let pass = true;
    for (const ratio of RATIOS) {
      const perRound = results[ratio.over]!.map((m, i) => m.rps / results[ratio.under]![i]!.rps);
      const overall = mean(results[ratio.over]!.map((m) => m.rps)) / mean(results[ratio.under]!.map((m) => m.rps));
      const ok = overall >= ratio.target;
      pass &&= ok;
      ratioTable[ratio.name] = {
        ...Object.fromEntries(perRound.map((value, i) => [`round ${i + 1}`, value.toFixed(2)])),
        mean: overall.toFixed(2),
        target: `>= ${ratio.target}`,
        result: ok ? 'PASS' : 'FAIL',
      };
    }
    console.log(`\nRatios (${engine}, WEB_CONCURRENCY=${processes}; mean = mean req/s over mean req/s)`);
    console.table(ratioTable);
    return pass;
  } finally {
    await Promise.all(Object.values(targets).map((target) => stop(target)));
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the matrix; true when every ratio met its target in every configuration. */
export async function runSpeedBench(options: SpeedBenchOptions = speedBenchOptions()): Promise<boolean> {
  const summary: Record<string, string> = {};
  let pass = true;
  for (const engine of options.engines) {
    for (const processes of options.concurrency) {
      const ok = await benchOne(engine, processes, options);
      summary[`${engine}, WEB_CONCURRENCY=${processes}`] = ok ? 'PASS' : 'FAIL';
      pass &&= ok;
    }
  }
  console.log('\nSpeed bench summary');
  console.table(summary);
  return pass;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  runSpeedBench().then(
    (pass) => process.exit(pass ? 0 : 1),
    (error) => {
      console.error(error);
      process.exit(2);
    },
  );
}
