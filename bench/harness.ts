import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { redactDatabaseUrl } from '../src/db/databaseUrl';

export interface Target {
  child: ChildProcess;
  url: string;
}

/** Starts a TypeScript entry point in its own process and waits for its "listening on" line. */
export function start(entry: string, env: Record<string, string>): Promise<Target> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      // The auth event log that follows is not needed: drain it unread.
      child.stdout!.off('data', onData).resume();
      resolve({ child, url: match[1]! });
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${entry} exited with ${code}`)));
  });
}

export interface Measurement {
  rps: number;
  p99: number;
}

export interface Load {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
}

export async function measure(load: Load): Promise<Measurement> {
  const result = await autocannon({ url: load.url, method: 'POST', headers: load.headers, body: load.body, connections: load.connections, duration: load.seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${load.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
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

export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
