import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

// These helpers drive the server as real processes: src/main.ts through tsx (startMain), the
// compiled build (startBuilt), or `npm start` itself (startNpm).

/** The PostgreSQL admin connection for tests that need PostgreSQL whatever the suite's engine. */
export const POSTGRES_ADMIN_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  /** The URL of the `listening on` line; rejects when the process exits first. */
  listening: Promise<string>;
  exited: Promise<Exit>;
  /** stdout and stderr so far. */
  output(): string;
  /**
   * Resolves with the first defined result of `check(output)`, checked now and on every new
   * output; rejects after `timeoutMs` or when the process exits first.
   */
  waitFor<T>(check: (output: string) => T | undefined, timeoutMs?: number): Promise<T>;
}

const started = new Set<ChildProcess>();

export function startMain(env: Record<string, string>): ServerProcess {
  return startProcess(process.execPath, ['--import', 'tsx', 'src/main.ts'], env);
}

/** `node <entry>`: the compiled build (see buildInto). */
export function startBuilt(entry: string, env: Record<string, string>): ServerProcess {
  return startProcess(process.execPath, [entry], env);
}

/**
 * `npm start` in a process group of its own (as a shell starts a job), so that a test can find
 * everything it started by the group, and killStarted can end all of it.
 */
export function startNpm(env: Record<string, string>, cwd?: string): ServerProcess {
  return startProcess('npm', ['start'], env, { ownGroup: true, cwd });
}

const groupLeaders = new Set<ChildProcess>();

function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  { ownGroup = false, cwd }: { ownGroup?: boolean; cwd?: string } = {},
): ServerProcess {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownGroup,
    cwd,
  });
  started.add(child);
  if (ownGroup) groupLeaders.add(child);
  let output = '';
  const watchers = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk;
    for (const watcher of watchers) watcher();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      started.delete(child);
      resolve({ code, signal });
    });
  });

  const waitFor = <T>(check: (output: string) => T | undefined, timeoutMs = 30_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        watchers.delete(watcher);
        settle();
      };
      const watcher = () => {
        const result = check(output);
        if (result !== undefined) done(() => resolve(result));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`not seen within ${timeoutMs} ms; output:\n${output}`))), timeoutMs);
      watchers.add(watcher);
      void exited.then((exit) => done(() => reject(new Error(`exited (${exit.code ?? exit.signal}) first; output:\n${output}`))));
      watcher();
    });

  const listening = waitFor((text) => /listening on (http:\/\/\S+)/.exec(text)?.[1], 60_000);
  listening.catch(() => undefined); // a test that expects an early exit does not await it
  return { child, listening, exited, output: () => output, waitFor };
}

/** SIGKILLs every process started here that is still running (with its group, for startNpm); for afterAll. */
export async function killStarted(): Promise<void> {
  for (const leader of groupLeaders) {
    if (processGroup(leader.pid!).length > 0) process.kill(-leader.pid!, 'SIGKILL');
  }
  groupLeaders.clear();
  await Promise.all(
    [...started].map((child) => {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      return gone;
    }),
  );
}

interface ProcStat {
  pid: number;
  ppid: number;
  pgid: number;
  state: string;
}

/** Every live process, from /proc (zombies, which have exited and only wait to be reaped, left out). */
function processTable(): ProcStat[] {
  const table: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
    const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state !== 'Z') table.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), state: state! });
  }
  return table;
}

/** The pids of every live descendant of `pid` (children, their children, ...). */
export function descendants(pid: number): number[] {
  const table = processTable();
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const entry of table) {
      if (entry.ppid === parent) {
        found.push(entry.pid);
        walk(entry.pid);
      }
    }
  };
  walk(pid);
  return found;
}

/** The pids of the live processes in process group `pgid`. */
export function processGroup(pgid: number): number[] {
  return processTable()
    .filter((entry) => entry.pgid === pgid)
    .map((entry) => entry.pid);
}

/** The pids of the `Worker <pid> ready` log lines a cluster primary wrote, in order. */
export function readyWorkerPids(output: string): number[] {
  return [...output.matchAll(/"msg":"Worker (\d+) ready"/g)].map((match) => Number(match[1]));
}

/** The JSON log lines in a process's output. */
export function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The auth event JSON lines in a process's output. */
export function authEvents(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"type":"auth"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export interface RawResponse {
  status: number;
  body: string;
}

/** One request on a connection of its own, so that a cluster primary hands each to the next worker. */
export function requestOnNewConnection(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Whether a TCP connection to the server's address is refused (nothing listens there). */
export function connectionRefused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve(true) : reject(error)));
  });
}

/** Whether a process with this pid still exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

export interface GraphQLAnswer<T> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * POSTs a typed document to a server process's /graphql. (testServer's gql does the same, but
 * importing it loads the whole app into the test process.)
 */
export async function gql<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer<TResult>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as Omit<GraphQLAnswer<TResult>, 'status' | 'headers'>;
  return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
}
