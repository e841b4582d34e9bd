import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

// A PostgreSQL 15 cluster of the test's own, on a spare port, that the test may stop and start.
// The shared server on 5432 is never touched. Runs as the `postgres` OS user when the tests run
// as root (PostgreSQL refuses to run as root).

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

export const PRIVATE_POSTGRES_AVAILABLE = existsSync(`${BIN}/initdb`);
export const PRIVATE_POSTGRES_MISSING = `${BIN}/initdb not found: the private PostgreSQL cluster tests are SKIPPED`;

const asRoot = process.getuid?.() === 0;

function command(tool: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', `${BIN}/${tool}`, ...args]] : [`${BIN}/${tool}`, args];
}

async function pgTool(tool: string, args: string[]): Promise<void> {
  const [file, argv] = command(tool, args);
  await run(file, argv, { timeout: 60_000 });
}

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** A port nobody listens on right now. */
async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface PrivatePostgres {
  port: number;
  /** A connection URL for `database` as the superuser `postgres` (trust auth, no password). */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** `fast` ends connections politely (57P01); `immediate` kills the server without a checkpoint. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster if it runs and deletes its files; safe to call more than once. */
  destroy(): Promise<void>;
}

export interface PrivatePostgresOptions {
  /** Serve TLS with a self-signed certificate for 127.0.0.1 and localhost; its PEM is `certificateFile`. */
  tls?: boolean;
}

export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres & { certificateFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-pg-'));
  const data = join(dir, 'data');
  const port = await sparePort();
  const pgCtl = (args: string[]) => pgTool('pg_ctl', ['-D', data, ...args]);
  const stopNow = () => {
    try {
      const [file, argv] = command('pg_ctl', ['-D', data, 'stop', '-m', 'immediate']);
      execFileSync(file, argv, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // Not running.
    }
  };
  // A worker that dies mid-run still takes its cluster down.
  process.once('exit', stopNow);
  let destroyed = false;
  const certificateFile = join(dir, 'server.crt');
  const tlsFlags = options.tls ? ` -c ssl=on -c ssl_cert_file=${certificateFile} -c ssl_key_file=${join(dir, 'server.key')}` : '';
  const cluster: PrivatePostgres & { certificateFile: string } = {
    certificateFile,
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: cluster.url('postgres') });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return cluster.url(name);
    },
    stop: (mode = 'fast') => pgCtl(['-w', '-t', '30', 'stop', '-m', mode]),
    start: () => pgCtl(['-w', '-t', '30', '-l', join(dir, 'postgres.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${tlsFlags}`, 'start']),
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      stopNow();
      process.removeListener('exit', stopNow);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    if (asRoot) {
      const { uid, gid } = postgresIds();
      chownSync(dir, uid, gid);
    }
    await pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    if (options.tls) {
      await run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'server.key'),
        '-out',
        certificateFile,
      ]);
      if (asRoot) {
        const { uid, gid } = postgresIds();
        chownSync(join(dir, 'server.key'), uid, gid);
        chownSync(certificateFile, uid, gid);
      }
      chmodSync(join(dir, 'server.key'), 0o600);
    }
    await cluster.start();
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}
