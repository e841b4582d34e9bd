import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer } from '../../src/server';
import type { AuthEvent } from '../../src/services/authEvents';

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
  /** Reuse a database file (for restart tests). */
  databaseFile?: string;
  onQuery?: (sql: string) => void;
}

export interface TestServer {
  url: string;
  databaseFile: string;
  clock: TestClock;
  running: RunningServer;
  /** Auth events the server logged, instead of printing them. */
  events: (AuthEvent & { ip: string })[];
  close(): Promise<void>;
}

export function tempDatabaseFile(): { file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-test-'));
  return { file: join(dir, 'hangar.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real server on an ephemeral port over a real SQLite file, seeded with the demo data by default. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const temp = options.databaseFile ? null : tempDatabaseFile();
  const databaseFile = options.databaseFile ?? temp!.file;
  const clock = options.clock ?? new TestClock();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${databaseFile}`,
    SEED_DEMO: '1',
    ...options.env,
  });
  const events: TestServer['events'] = [];
  const running = await startServer(config, { clock: clock.now, onQuery: options.onQuery, audit: (event) => events.push(event) });
  return {
    url: running.url,
    databaseFile,
    clock,
    running,
    events,
    close: async () => {
      await running.close();
      temp?.cleanup();
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

export const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
export const bearer = (token: string) => `Bearer ${token}`;
