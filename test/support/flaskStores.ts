import { createHash, pbkdf2Sync, randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import sqlite3 from 'sqlite3';
import { runImport } from '../../src/cli/import';

// Builds the Flask originals' stores in a test, with the real algorithms: Werkzeug's formats
// from node:crypto's PBKDF2 and scrypt, SHA-crypt from its specification's published vectors.

/** Drepper's SHA-crypt vectors: a hash passlib's sha256_crypt would store, and its password. */
export const SHA_CRYPT_SAMPLES = [
  { hash: '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA', password: 'Hello world!' },
  { hash: '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5', password: 'Hello world!' },
];

const salt = () => randomBytes(12).toString('base64url').slice(0, 16);

export function werkzeugPbkdf2(password: string, iterations = 1000): string {
  const s = salt();
  return `pbkdf2:sha256:${iterations}$${s}$${pbkdf2Sync(password, s, iterations, 32, 'sha256').toString('hex')}`;
}

export function werkzeugScrypt(password: string, n = 1024, r = 8, p = 1): string {
  const s = salt();
  return `scrypt:${n}:${r}:${p}$${s}$${scryptSync(password, s, 64, { N: n, r, p }).toString('hex')}`;
}

export const sha256Hex = (password: string) => createHash('sha256').update(password, 'utf8').digest('hex');

export interface RaRow {
  id: number;
  username: string | null;
  password_hash: string | null;
}

/** REST-auth's database: users(id INTEGER PRIMARY KEY, username VARCHAR(32), password_hash VARCHAR(128)). */
export async function writeRaStore(
  file: string,
  rows: RaRow[],
  createTable = 'create table users (id INTEGER PRIMARY KEY, username VARCHAR(32), password_hash VARCHAR(128))',
): Promise<void> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<void>((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
  await run(createTable);
  await run('create index ix_users_username on users (username)').catch(() => undefined);
  for (const row of rows) await run('insert into users (id, username, password_hash) values (?, ?, ?)', [row.id, row.username, row.password_hash]);
  await new Promise<void>((resolve) => db.close(() => resolve()));
}

export interface HbUserInput {
  id?: string;
  email: string | null;
  password: string | null;
  firstName?: string | null;
  lastName?: string | null;
  createdAt?: string;
}

const hbTime = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/** `.db_User.json` as HB's file storage writes it; returns the records by email. */
export function writeHbUsers(file: string, users: HbUserInput[], nowMs = Date.now()): Record<string, Record<string, unknown>> {
  const data: Record<string, Record<string, unknown>> = {};
  for (const user of users) {
    const id = user.id ?? randomUUID();
    const created = user.createdAt ?? hbTime(nowMs - 86_400_000 * 30);
    data[id] = {
      id,
      created_at: created,
      updated_at: created,
      email: user.email,
      _password: user.password === null ? null : sha256Hex(user.password),
      first_name: user.firstName ?? null,
      last_name: user.lastName ?? null,
    };
  }
  writeFileSync(file, JSON.stringify(data));
  return data;
}

export function writeHbSessions(file: string, sessions: { userId: string; sessionId: string; createdAtMs: number }[]): void {
  const data: Record<string, unknown> = {};
  for (const session of sessions) {
    const id = randomUUID();
    const at = hbTime(session.createdAtMs);
    data[id] = { id, created_at: at, updated_at: at, user_id: session.userId, session_id: session.sessionId };
  }
  writeFileSync(file, JSON.stringify(data));
}

export function writeTxStore(file: string, users: { id: number; name: string; password: string }[], ships: Record<string, unknown>[] = []): void {
  writeFileSync(file, JSON.stringify({ users, ships }, null, 2));
}

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

const sink = (chunks: string[]) =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });

/** runImport in this process, against `databaseUrl`. */
export async function importInProcess(databaseUrl: string, args: string[], env: Record<string, string> = {}): Promise<CapturedRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runImport(args, { stdin: process.stdin, stdout: sink(out), stderr: sink(err), env: { ...env, DATABASE_URL: databaseUrl } });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
