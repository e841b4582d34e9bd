import { statSync } from 'node:fs';
import sqlite3 from 'sqlite3';
import { parseLegacyHash } from '../auth/legacyHashes';
import { RecordFields } from './fields';
import { StoreInputError, type Store, type StoreUser } from './store';

// REST-auth's SQLite file: users(id INTEGER PRIMARY KEY, username VARCHAR(32), password_hash VARCHAR(128)).
// The hash is Werkzeug's pbkdf2/scrypt output or passlib's sha256_crypt; each is kept as it came.

function openReadOnly(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(db)));
  });
}

function all(db: sqlite3.Database, sql: string): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => db.all(sql, (error, rows) => (error ? reject(error) : resolve(rows as Record<string, unknown>[]))));
}

export async function readRaStore(file: string): Promise<Store> {
  try {
    if (statSync(file).isDirectory()) throw new StoreInputError(file, 'is a directory, not a SQLite file');
  } catch (error) {
    if (error instanceof StoreInputError) throw error;
    throw new StoreInputError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let db: sqlite3.Database;
  try {
    db = await openReadOnly(file);
  } catch (error) {
    throw new StoreInputError(file, `cannot be opened as SQLite (${(error as Error).message})`);
  }
  try {
    let columns: Record<string, unknown>[];
    try {
      columns = await all(db, "select name from pragma_table_info('users')");
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_NOTADB') throw new StoreInputError(file, 'is not a SQLite database');
      throw new StoreInputError(file, `cannot be read as SQLite (${(error as Error).message})`);
    }
    if (columns.length === 0) throw new StoreInputError(file, 'has no table "users" (is it REST-auth\'s database?)');
    const names = new Set(columns.map((column) => String(column.name)));
    for (const needed of ['id', 'username', 'password_hash']) {
      if (!names.has(needed)) throw new StoreInputError(file, `table "users" has no column "${needed}"`);
    }
    const rows = await all(db, 'select id, username, password_hash from users order by id');
    return { kind: 'ra', files: [file], users: rows.map((row, index) => raUser(file, row, index)), sessions: [], ships: [] };
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

function raUser(file: string, row: Record<string, unknown>, index: number): StoreUser {
  const label = typeof row.id === 'number' ? `users row id ${row.id}` : `users row ${index + 1}`;
  const fields: RecordFields = new RecordFields(file, label, row);
  const id = fields.integer('id');
  const username = fields.username('username');
  const passwordHash = fields.string('password_hash');
  if (!parseLegacyHash(passwordHash) || passwordHash.startsWith('sha256-unsalted$')) {
    fields.fail(
      'password_hash',
      `has an unknown hash format "${passwordHash.split('$')[0]!.slice(0, 20)}…" (expected pbkdf2:sha256, scrypt or $5$ sha256_crypt)`,
    );
  }
  return {
    record: label,
    file,
    id,
    uuid: null,
    username,
    email: username.includes('@') ? username : null,
    firstName: null,
    lastName: null,
    passwordHash,
    password: null,
    createdAt: null,
    updatedAt: null,
  };
}
