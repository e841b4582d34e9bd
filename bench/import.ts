// Times `import` on stores of 100k users for each kind: `npx tsx bench/import.ts [--postgres ADMIN_URL] [--tx-users N]`.
// The database is a fresh SQLite file, or with --postgres a fresh database on that server.
// RA's and HB's hashes are kept as they came (re-hashed at first login), so their import is
// rows; TX's plain-text passwords are hashed with argon2id at import, which dominates: by default
// TX is timed with fewer users (--tx-users, default 2000) and the figure for 100k is extrapolated
// from the measured rate, labelled as such.

import { createHash, pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { runImport } from '../src/cli/import';

const USERS = 100_000;
const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const postgresAdmin = option('--postgres');
const txUsers = Number(option('--tx-users') ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'hangar-bench-import-'));

async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!postgresAdmin) return { url: `sqlite:${join(dir, `${label}.sqlite`)}`, drop: async () => undefined };
  const name = `hangar_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresAdmin });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`create database ${name}`);
  const url = new URL(postgresAdmin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

// The import never checks a hash's value, so a few real ones are shared by every row.
function werkzeugHashes(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const salt = randomBytes(12).toString('base64url').slice(0, 16);
    return `pbkdf2:sha256:600000$${salt}$${pbkdf2Sync(`password${i}`, salt, 1000, 32, 'sha256').toString('hex')}`;
  });
}

async function writeRa(file: string): Promise<void> {
  const hashes = werkzeugHashes(100);
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  await exec('create table users (id INTEGER PRIMARY KEY, username VARCHAR(32), password_hash VARCHAR(128)); begin');
  const insert = db.prepare('insert into users values (?, ?, ?)');
  for (let i = 1; i <= USERS; i += 1) insert.run(i, `user${i}`, hashes[i % hashes.length]);
  await new Promise<void>((resolve, reject) => insert.finalize((error) => (error ? reject(error) : resolve())));
  await exec('commit');
  await new Promise<void>((resolve) => db.close(() => resolve()));
}

function writeHb(folder: string): void {
  const users: Record<string, unknown> = {};
  const sessions: Record<string, unknown> = {};
  const at = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19);
  for (let i = 1; i <= USERS; i += 1) {
    const id = randomUUID();
    users[id] = {
      id,
      created_at: at,
      updated_at: at,
      email: `user${i}@example.com`,
      _password: createHash('sha256').update(`pw${i}`).digest('hex'),
      first_name: 'First',
      last_name: `Last${i}`,
    };
    const sid = randomUUID();
    sessions[sid] = { id: sid, created_at: at, updated_at: at, user_id: id, session_id: randomUUID() };
  }
  writeFileSync(join(folder, '.db_User.json'), JSON.stringify(users));
  writeFileSync(join(folder, '.db_UserSession.json'), JSON.stringify(sessions));
}

function writeTx(file: string, users: number): void {
  const ships = Array.from({ length: USERS }, (_, i) => ({
    id: i + 1,
    affiliation: 'Rebel Alliance',
    category: 'Starfighters',
    crew: 1,
    length: 13,
    manufacturer: 'Incom Corporation',
    model: `X-Wing ${i}`,
    ship_class: 'Starfighter',
    roles: ['Escort', 'Space Superiority Starfighter'],
  }));
  writeFileSync(
    file,
    JSON.stringify({ users: Array.from({ length: users }, (_, i) => ({ id: i + 1, name: `user${i + 1}`, password: `password${i}` })), ships }),
  );
}

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

async function timeImport(label: string, kind: string, path: string): Promise<{ seconds: number; cpuSeconds: number; report: Record<string, unknown> }> {
  const database = await freshDatabase(label);
  let out = '';
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk;
      done();
    },
  });
  try {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const code = await runImport([kind, path, '--json'], { stdin: process.stdin, stdout, stderr: quiet, env: { DATABASE_URL: database.url } });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (code !== 0) throw new Error(`${label}: import exited ${code}: ${out}`);
    return { seconds, cpuSeconds: (used.user + used.system) / 1e6, report: JSON.parse(out) as Record<string, unknown> };
  } finally {
    await database.drop();
  }
}

async function main(): Promise<void> {
  console.log(`import bench: ${postgresAdmin ? 'PostgreSQL' : 'SQLite'}, ${availableParallelism()} cores`);
  try {
    const raFile = join(dir, 'db.sqlite');
    await writeRa(raFile);
    const ra = await timeImport('ra', 'ra', raFile);
    console.log(`ra: ${USERS} users (Werkzeug pbkdf2 hashes, kept): ${ra.seconds.toFixed(1)} s`);

    writeHb(dir);
    const hb = await timeImport('hb', 'hb', join(dir, '.db_User.json'));
    console.log(`hb: ${USERS} users (SHA-256, kept) + ${USERS} sessions: ${hb.seconds.toFixed(1)} s`);

    const txNoUsers = join(dir, 'ships.json');
    writeTx(txNoUsers, 0);
    const ships = await timeImport('txships', 'tx', txNoUsers);
    console.log(`tx: ${USERS} ships, no users: ${ships.seconds.toFixed(1)} s`);

    const txFile = join(dir, 'data.json');
    writeTx(txFile, txUsers);
    const tx = await timeImport('tx', 'tx', txFile);
    const perUser = (tx.seconds - ships.seconds) / txUsers;
    console.log(`tx: ${txUsers} users (plain text, argon2id at import) + ${USERS} ships: ${tx.seconds.toFixed(1)} s`);
    console.log(
      `tx: argon2id ${(1 / perUser).toFixed(0)} passwords/s here; ${USERS} users would take about ${((perUser * USERS + ships.seconds) / 60).toFixed(0)} min (extrapolated)`,
    );
    // The hashing's CPU time (this process, every thread) tells what an otherwise idle machine would do.
    const cpuPerUser = (tx.cpuSeconds - ships.cpuSeconds) / txUsers;
    const cores = availableParallelism();
    console.log(
      `tx: argon2id costs ${(cpuPerUser * 1000).toFixed(0)} ms of CPU per password; on ${cores} idle cores ${USERS} users would take about ${((cpuPerUser * USERS) / cores / 60).toFixed(0)} min`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
