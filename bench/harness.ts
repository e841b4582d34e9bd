import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { redactDatabaseUrl } from '../src/db/databaseUrl';

export interface Target {
  child: ChildProcess;
  url: string;
}

/**
 * Starts a TypeScript entry point in its own process and waits for its "listening on" line. Its
 * stdout (Hangar's request log) goes to a file, as a deployment's would go to a file or a log
 * collector: read through a pipe here, it would cost the load generator, which runs in this
 * process, CPU that the anchors (which log nothing) never make it spend.
 */
export function start(entry: string, env: Record<string, string>, nodeFlags: string[] = []): Promise<Target> {
  const logDir = mkdtempSync(join(tmpdir(), 'hangar-bench-log-'));
  const logFile = join(logDir, 'stdout.log');
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', out, 'inherit'] });
  closeSync(out);
  child.once('exit', () => rmSync(logDir, { recursive: true, force: true }));
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(readFileSync(logFile, 'utf8'));
      if (!match) return;
      clearInterval(poll);
      resolve({ child, url: match[1]! });
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`${entry} exited with ${code}`));
    });
  });
}

/**
 * The environment and node flags of `npm start` (package.json), so that a bench's Hangar runs with
 * the memory settings a deployment gets, and pays for them.
 */
export function npmStartCommand(): { env: Record<string, string>; nodeFlags: string[] } {
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const match = /^((?:\w+=\S+ )*)exec node ((?:--\S+ )*)dist\/main\.js$/.exec(script);
  if (!match) throw new Error(`package.json's start script is not "[VAR=value ...] exec node [--flag ...] dist/main.js": ${script}`);
  const env = Object.fromEntries(
    match[1]!
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );
  return { env, nodeFlags: match[2]!.trim().split(/\s+/).filter(Boolean) };
}

/** Hangar's TypeScript entry (src/main.ts, or a baseline checkout's) with `npm start`'s environment and node flags. */
export function startHangar(entry: string, env: Record<string, string>): Promise<Target> {
  const launch = npmStartCommand();
  return start(entry, { ...launch.env, ...env }, launch.nodeFlags);
}

export interface Measurement {
  rps: number;
  p50: number;
  p99: number;
}

export interface Load {
  url: string;
  headers: Record<string, string>;
  /** Without a body the request is a GET. */
  body?: string;
  connections: number;
  seconds: number;
}

export async function measure(load: Load): Promise<Measurement> {
  const method = load.body === undefined ? 'GET' : 'POST';
  const result = await autocannon({ url: load.url, method, headers: load.headers, body: load.body, connections: load.connections, duration: load.seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${load.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  // Total over the run rather than autocannon's mean of per-second samples, which a short run skews.
  return { rps: result.requests.total / load.seconds, p50: result.latency.p50, p99: result.latency.p99 };
}

export async function accessToken(hangarUrl: string): Promise<string> {
  const login = await fetch(`${hangarUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { login(username: "user", password: "password") { ... on TokenPair { accessToken } } }' }),
  });
  return ((await login.json()) as { data: { login: { accessToken: string } } }).data.login.accessToken;
}

/**
 * The database a bench's Hangar runs on: DATABASE_URL when set (a PostgreSQL database that
 * exists, e.g. postgres://postgres@127.0.0.1:5432/hangar_bench), else a new SQLite file in `dir`.
 */
export function benchDatabaseUrl(dir: string): string {
  const url = process.env.DATABASE_URL || `sqlite:${join(dir, 'bench.sqlite')}`;
  console.log(`Hangar database: ${url.startsWith('sqlite:') ? url : redactDatabaseUrl(url)}`);
  return url;
}

/**
 * Like benchDatabaseUrl, but a PostgreSQL URL names a server to create a scratch database on
 * (dropped again by `drop`), so a bench never writes into a database that holds anything.
 */
export async function benchDatabase(dir: string, url = process.env.DATABASE_URL): Promise<{ url: string; drop(): Promise<void> }> {
  if (!url || url.startsWith('sqlite:')) return { url: benchDatabaseUrl(dir), drop: async () => undefined };
  const { default: pg } = await import('pg');
  const name = `hangar_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  console.log(`Hangar database: scratch ${redactDatabaseUrl(scratch.href)}`);
  return {
    url: scratch.href,
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Stops a target and waits for its process (and a cluster's workers) to be gone. */
export async function stop(target: Target): Promise<void> {
  if (target.child.exitCode !== null || target.child.signalCode !== null) return;
  const exited = new Promise((resolve) => target.child.once('exit', resolve));
  target.child.kill('SIGTERM');
  await exited;
}

export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
