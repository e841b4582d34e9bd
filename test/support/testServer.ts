import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import type { AuthEvent } from '../../src/services/authEvents';
import { tempDatabase } from './database';

export { ENGINE, tempDatabase, type TestDatabase } from './database';

/** A clock tests move by hand. */
export class TestClock {
  constructor(public ms = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface TestServerOptions {
  env?: Record<string, string>;
  clock?: TestClock;
  /** Reuse a database (for restart and multi-instance tests); by default a new one on the suite's engine. */
  databaseUrl?: string;
  onQuery?: (sql: string) => void;
}

export interface TestServer {
  url: string;
  databaseUrl: string;
  clock: TestClock;
  running: RunningServer;
  /** Auth events the server logged. */
  events: (AuthEvent & { ip: string })[];
  /** Every log line the server wrote, parsed (nothing goes to stdout). */
  logs: Record<string, unknown>[];
  /** The same lines as written. */
  rawLogs: string[];
  close(): Promise<void>;
}

/**
 * A real server on an ephemeral port over a real database (a SQLite file, or a PostgreSQL
 * database under TEST_DATABASE_URL), seeded with the demo data by default.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const temp = options.databaseUrl || options.env?.DATABASE_URL ? null : await tempDatabase();
  const databaseUrl = options.databaseUrl ?? temp?.url ?? options.env!.DATABASE_URL!;
  const clock = options.clock ?? new TestClock();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SEED_DEMO: '1',
    ...options.env,
    DATABASE_URL: databaseUrl,
  });
  const events: TestServer['events'] = [];
  const rawLogs: string[] = [];
  let parsed: Record<string, unknown>[] = [];
  const logDestination = { write: (line: string) => void rawLogs.push(line) };
  let running: RunningServer;
  try {
    running = await startServer(config, { clock: clock.now, onQuery: options.onQuery, audit: (event) => events.push(event), logDestination });
  } catch (error) {
    await temp?.cleanup();
    throw error;
  }
  return {
    url: running.url,
    databaseUrl,
    clock,
    running,
    events,
    rawLogs,
    get logs() {
      if (parsed.length < rawLogs.length) parsed = parsed.concat(rawLogs.slice(parsed.length).map((line) => JSON.parse(line) as Record<string, unknown>));
      return parsed;
    },
    close: async () => {
      await running.close();
      await temp?.cleanup();
    },
  };
}

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** POSTs a typed document to /graphql. */
export async function gql<TResult, TVariables>(
  server: { url: string },
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: TVariables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TResult>> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TResult; errors?: GraphQLResponse<TResult>['errors'] };
  return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
}

export const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
export const bearer = (token: string) => `Bearer ${token}`;
