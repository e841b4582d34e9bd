// Cold start and memory of the compiled build:
//   npx tsx bench/coldStart.ts [--runs N] [--load-seconds S] [--plain] [--entry FILE]...
//
// Builds dist/ first, then for each entry (dist/main.js unless --entry is given; several entries
// are interleaved, to compare builds in one run on a noisy machine; a .ts entry runs with tsx)
// reports:
// - spawn to first HTTP answer (GET /healthz), p50 and max over N runs, on a new SQLite file
//   (migrations and demo data included) and on an existing one, with the CPU time the process
//   used until then (all threads; on a machine busy with other work the wall time is mostly waiting);
// - the RSS of the process after 10 s of load (GraphQL `me` with a Bearer token; 10 connections).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { accessToken, measure, npmStartCommand } from './harness';

const TARGET_START_MS = 1000;
const TARGET_RSS_MB = 150;

function option(name: string): string[] {
  const args = process.argv.slice(2);
  return args.flatMap((arg, i) => (arg === name && args[i + 1] !== undefined ? [args[i + 1]!] : []));
}

const runs = Number(option('--runs')[0] ?? 7);
const loadSeconds = Number(option('--load-seconds')[0] ?? 10);
const entries = option('--entry').map((entry) => resolve(entry));

const launch = process.argv.includes('--plain') ? { env: {}, nodeFlags: [] } : npmStartCommand();

interface Started {
  pid: number;
  url: string;
  firstAnswerMs: number;
  /** CPU time the process used until then, all threads: what the start costs on a machine busy with other work. */
  cpuMs: number;
  stop(): Promise<void>;
}

/** Spawns `node entry`, waits for its "listening on" line, and times the first answer from spawn. */
async function startOnce(entry: string, databaseUrl: string): Promise<Started> {
  const spawned = performance.now();
  // A .ts entry runs through tsx, as `npm start` did before the build, for comparison.
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [...launch.nodeFlags, entry];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...(entry.endsWith('.ts') ? {} : launch.env), PORT: '0', DATABASE_URL: databaseUrl, NODE_ENV: 'production', SEED_DEMO: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolveUrl(match[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}:\n${output}`)));
  });
  const response = await fetch(`${url}/healthz`);
  const firstAnswerMs = performance.now() - spawned;
  const cpuMs = cpuTimeMs(child.pid!);
  if (response.status !== 200) throw new Error(`${entry}: /healthz answered ${response.status}`);
  // Drained unread from here on (auth events).
  child.stdout.resume();
  child.stderr.resume();
  return {
    pid: child.pid!,
    url,
    firstAnswerMs,
    cpuMs,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** utime + stime from /proc/<pid>/stat, in clock ticks of 10 ms. */
function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

async function main() {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
  const targets = entries.length > 0 ? entries : [resolve('dist/main.js')];
  const dir = mkdtempSync(join(tmpdir(), 'hangar-coldstart-'));
  try {
    const times = targets.map(() => ({ fresh: [] as number[], existing: [] as number[], freshCpu: [] as number[], existingCpu: [] as number[] }));
    for (let run = 1; run <= runs; run += 1) {
      for (const [index, entry] of targets.entries()) {
        // A new file each time: creating it, the migrations and the demo data are part of the start.
        const fresh = await startOnce(entry, `sqlite:${join(dir, `fresh-${index}-${run}.sqlite`)}`);
        times[index]!.fresh.push(fresh.firstAnswerMs);
        times[index]!.freshCpu.push(fresh.cpuMs);
        await fresh.stop();
        const existing = await startOnce(entry, `sqlite:${join(dir, `existing-${index}.sqlite`)}`);
        // The first start on this file created it; only the later ones count.
        if (run > 1 || runs === 1) {
          times[index]!.existing.push(existing.firstAnswerMs);
          times[index]!.existingCpu.push(existing.cpuMs);
        }
        await existing.stop();
      }
      process.stdout.write(`run ${run}/${runs}\r`);
    }

    const memory = [];
    for (const [index, entry] of targets.entries()) {
      const server = await startOnce(entry, `sqlite:${join(dir, `existing-${index}.sqlite`)}`);
      try {
        const idle = rssMb(server.pid);
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${await accessToken(server.url)}` };
        await measure({
          url: `${server.url}/graphql`,
          headers,
          body: JSON.stringify({ query: '{ me { id username } }' }),
          connections: 10,
          seconds: loadSeconds,
        });
        memory.push({ idle, loaded: rssMb(server.pid) });
      } finally {
        await server.stop();
      }
    }

    console.log(
      `\nbuilt entries run as npm start does: ${[...Object.entries(launch.env).map(([k, v]) => `${k}=${v}`), 'node', ...launch.nodeFlags].join(' ')}`,
    );
    console.log(`node ${process.version}, ${runs} runs per entry, spawn to first answer of GET /healthz; RSS after ${loadSeconds} s of load\n`);
    const rows: Record<string, Record<string, string>> = {};
    for (const [index, entry] of targets.entries()) {
      const { fresh, existing, freshCpu, existingCpu } = times[index]!;
      const { idle, loaded } = memory[index]!;
      rows[entry.replace(`${process.cwd()}/`, '')] = {
        'new file p50': `${percentile(fresh, 50).toFixed(0)} ms`,
        'new file max': `${Math.max(...fresh).toFixed(0)} ms`,
        'existing p50': `${percentile(existing, 50).toFixed(0)} ms`,
        'existing max': `${Math.max(...existing).toFixed(0)} ms`,
        'CPU p50 new/existing': `${percentile(freshCpu, 50)}/${percentile(existingCpu, 50)} ms`,
        'RSS idle': `${idle.rss.toFixed(0)} MB`,
        'RSS loaded': `${loaded.rss.toFixed(0)} MB (peak ${loaded.peak.toFixed(0)})`,
        start: percentile(existing, 50) < TARGET_START_MS && percentile(fresh, 50) < TARGET_START_MS ? `pass (p50 < ${TARGET_START_MS} ms)` : 'FAIL',
        memory: loaded.rss < TARGET_RSS_MB ? `pass (< ${TARGET_RSS_MB} MB)` : 'FAIL',
      };
    }
    console.table(rows);
    return Object.values(rows).every((row) => row.start !== 'FAIL' && row.memory !== 'FAIL');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Exit 0 when every entry met both targets, 1 when one missed, 2 when the bench itself failed.
main().then(
  (pass) => process.exit(pass ? 0 : 1),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
