// npm run bench: requests/s and p99 latency of the GraphQL `me` query with a Bearer token,
// measured next to a bare node:http server in the same run. Each target runs in its own process;
// the load generator runs here. Rounds alternate between the two to spread out machine noise.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

async function run(url: string, headers: Record<string, string>, body: string) {
  const result = await autocannon({ url, method: 'POST', headers, body, connections, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-bench-'));
  const hangar = await start(['src/main.ts'], { PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`, SEED_DEMO: '1', NODE_ENV: 'production' });
  const bare = await start(['bench/bareServer.ts'], {});
  try {
    // NODE_ENV=production turns demo seeding off by default; SEED_DEMO=1 above keeps it on.
    const login = await fetch(`${hangar.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { login(username: "user", password: "password") { ... on TokenPair { accessToken } } }' }),
    });
    const token = ((await login.json()) as { data: { login: { accessToken: string } } }).data.login.accessToken;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const body = JSON.stringify({ query: '{ me { id username } }' });
    const check = await (await fetch(`${hangar.url}/graphql`, { method: 'POST', headers, body })).json();
    if (JSON.stringify(check) !== JSON.stringify({ data: { me: { id: 1, username: 'user' } } })) throw new Error(`unexpected: ${JSON.stringify(check)}`);

    const results = { bare: [] as { rps: number; p99: number }[], hangar: [] as { rps: number; p99: number }[] };
    for (let round = 1; round <= rounds; round += 1) {
      results.bare.push(await run(bare.url, headers, body));
      results.hangar.push(await run(`${hangar.url}/graphql`, headers, body));
      console.log(`round ${round}: bare ${results.bare.at(-1)!.rps.toFixed(0)} req/s, hangar ${results.hangar.at(-1)!.rps.toFixed(0)} req/s`);
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
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
